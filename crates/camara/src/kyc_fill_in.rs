//! CAMARA KYC Fill-in: the identity data the operator holds (and has verified) for a subscriber, to
//! fill in a registration form.
//!
//! - [`v0_4`]: KYC Fill-in 0.4.1 (`{apiRoot}/kyc-fill-in/v0.4`), `POST /fill-in`.
//!
//! The answer has the properties of a KYC Match request, so it is read as [`KycClaims`] (every
//! value redacted in `Debug`). What comes back depends on the token's scopes: one scope per
//! attribute (`kyc-fill-in:givenName`, see [`attribute_scope`]) or `kyc-fill-in:set-all`
//! ([`ApiScope::KycFillInSetAll`]) for all of them.

use netid_core::kyc::KycClaims;
use netid_core::scope::ApiScope;

pub mod v0_4;

/// The attributes of a fill-in answer, each also the suffix of its scope (`phoneNumber`,
/// `idDocument`, …, `nationality`).
pub const ATTRIBUTES: &[&str] = KycClaims::FIELD_NAMES;

/// The scope that releases `attribute` (`kyc-fill-in:givenName`), or `None` for a name outside
/// [`ATTRIBUTES`].
#[must_use]
pub fn attribute_scope(attribute: &str) -> Option<ApiScope> {
    ATTRIBUTES.contains(&attribute).then(|| {
        format!("kyc-fill-in:{attribute}")
            .parse()
            .unwrap_or_else(|never| match never {})
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_scope_per_attribute_of_the_spec() {
        assert_eq!(ATTRIBUTES.len(), 25);
        assert_eq!(
            attribute_scope("givenName").map(|scope| scope.to_string()),
            Some("kyc-fill-in:givenName".to_owned())
        );
        assert_eq!(
            attribute_scope("phoneNumber").map(|scope| scope.to_string()),
            Some("kyc-fill-in:phoneNumber".to_owned())
        );
        assert_eq!(attribute_scope("set-all"), None);
        assert_eq!(attribute_scope("givenNameMatch"), None);
    }
}
