//! The Orange Authentication API's attributes, typed (operator page 003, "mapping between
//! attribute names and user profile data").

use std::collections::BTreeMap;
use std::fmt;

use netid_core::phone::PhoneNumber;
use netid_core::secret::{Pii, Secret};

/// The `OrangeAPIToken` attribute and the profile attributes Orange may release.
///
/// Every field is optional: Orange releases only what the user consented to. `Debug` prints which
/// fields are present, never their values.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct OrangeProfile {
    /// `OrangeAPIToken`: the user token for Orange's other Personal APIs. All whitespace is
    /// removed, since Orange's sample folds the token across lines.
    pub api_token: Option<Secret<String>>,
    /// `gender`.
    pub gender: Option<Pii<String>>,
    /// `displayname`.
    pub display_name: Option<Pii<String>>,
    /// `givenname`.
    pub given_name: Option<Pii<String>>,
    /// `surname`.
    pub surname: Option<Pii<String>>,
    /// `emailaddress`.
    pub email_address: Option<Pii<String>>,
    /// `streetaddress`.
    pub street_address: Option<Pii<String>>,
    /// `postalcode`.
    pub postal_code: Option<Pii<String>>,
    /// `locality`.
    pub locality: Option<Pii<String>>,
    /// `country`.
    pub country: Option<Pii<String>>,
    /// `dateofbirth` (format not specified by Orange; kept as sent).
    pub date_of_birth: Option<Pii<String>>,
    /// `mobilephone`, parsed leniently to E.164. `None` when absent or unparsable; the raw value
    /// stays in [`VerifiedAssertion::attributes`](crate::VerifiedAssertion::attributes).
    pub mobile_phone: Option<PhoneNumber>,
    /// `homephone` (fixed line), as sent.
    pub home_phone: Option<Pii<String>>,
    /// `facsimile`, as sent.
    pub facsimile: Option<Pii<String>>,
    /// `usertype` (internet, mobile, internet&mobile, non-subscriber registered user), as sent.
    pub user_type: Option<String>,
}

impl OrangeProfile {
    /// Reads the profile from an attribute map (first value of each attribute).
    pub fn from_attributes(attributes: &BTreeMap<String, Vec<Pii<String>>>) -> Self {
        let first =
            |name: &str| -> Option<Pii<String>> { attributes.get(name).and_then(|v| v.first()).cloned() };
        Self {
            api_token: first("OrangeAPIToken")
                .map(|t| Secret::new(t.into_inner().chars().filter(|c| !c.is_whitespace()).collect())),
            gender: first("gender"),
            display_name: first("displayname"),
            given_name: first("givenname"),
            surname: first("surname"),
            email_address: first("emailaddress"),
            street_address: first("streetaddress"),
            postal_code: first("postalcode"),
            locality: first("locality"),
            country: first("country"),
            date_of_birth: first("dateofbirth"),
            mobile_phone: first("mobilephone").and_then(|p| PhoneNumber::parse_lenient(p.expose_pii()).ok()),
            home_phone: first("homephone"),
            facsimile: first("facsimile"),
            user_type: first("usertype").map(Pii::into_inner),
        }
    }
}

impl fmt::Debug for OrangeProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so a new field cannot be added without deciding how it prints.
        let Self {
            api_token,
            gender,
            display_name,
            given_name,
            surname,
            email_address,
            street_address,
            postal_code,
            locality,
            country,
            date_of_birth,
            mobile_phone,
            home_phone,
            facsimile,
            user_type,
        } = self;
        f.debug_struct("OrangeProfile")
            .field("api_token", api_token)
            .field("gender", gender)
            .field("display_name", display_name)
            .field("given_name", given_name)
            .field("surname", surname)
            .field("email_address", email_address)
            .field("street_address", street_address)
            .field("postal_code", postal_code)
            .field("locality", locality)
            .field("country", country)
            .field("date_of_birth", date_of_birth)
            .field("mobile_phone", mobile_phone)
            .field("home_phone", home_phone)
            .field("facsimile", facsimile)
            .field("user_type", &user_type.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}
