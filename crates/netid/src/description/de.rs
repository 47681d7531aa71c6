//! The serde form of [`OperatorDescription`]: flat top-level keys (the `netid token` flag names)
//! and one table per API, keyed by the API's name.
//!
//! Written by hand rather than derived because the API tables are keyed by [`Api`], which a derive
//! with `deny_unknown_fields` cannot express without `flatten` (and `flatten` disables the refusal
//! of unknown keys). The valid keys are listed once, in [`keys`], for the error message.

use std::fmt;
use std::sync::LazyLock;

use netid_camara::Api;
use netid_core::scope::Purpose;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::{ApiSection, OperatorDescription};
use crate::profile::{self, IdTokenRule, TokenFlow};

/// The top-level keys, then the API tables.
const TOP_LEVEL_KEYS: [&str; 19] = [
    "issuer",
    "bc-authorize-url",
    "token-url",
    "jwks-url",
    "authorization-url",
    "id-token",
    "client-id",
    "client-id-env",
    "key",
    "key-env",
    "kid",
    "alg",
    "assertion-aud",
    "purpose",
    "custom-purpose",
    "binding-message",
    "requested-expiry",
    "login-hint",
    "scope",
];

/// The table of the Telco Finder.
const TELCO_FINDER: &str = "telco-finder";

/// Every API that has a profile, once.
fn apis() -> Vec<Api> {
    let mut apis: Vec<Api> = profile::all().map(|profile| profile.api()).collect();
    apis.sort();
    apis.dedup();
    apis
}

static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys = TOP_LEVEL_KEYS.to_vec();
    keys.extend(apis().into_iter().map(Api::as_str));
    keys.push(TELCO_FINDER);
    keys
});

/// Every key an operator description may hold.
pub(crate) fn keys() -> &'static [&'static str] {
    KEYS.as_slice()
}

impl<'de> Deserialize<'de> for IdTokenRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const VARIANTS: &[&str] = &["required", "optional", "insecure-ignore"];
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        match &*text {
            "required" => Ok(Self::Required),
            "optional" => Ok(Self::Optional),
            "insecure-ignore" => Ok(Self::InsecureIgnore),
            other => Err(de::Error::unknown_variant(other, VARIANTS)),
        }
    }
}

impl<'de> Deserialize<'de> for TokenFlow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const VARIANTS: &[&str] = &["ciba", "authorization-code", "jwt-bearer"];
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        [Self::Ciba, Self::AuthorizationCode, Self::JwtBearer]
            .into_iter()
            .find(|flow| flow.as_str() == text)
            .ok_or_else(|| de::Error::unknown_variant(&text, VARIANTS))
    }
}

impl<'de> Deserialize<'de> for OperatorDescription {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(DescriptionVisitor)
    }
}

struct DescriptionVisitor;

impl<'de> Visitor<'de> for DescriptionVisitor {
    type Value = OperatorDescription;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an operator description (a table of settings and API tables)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut description = OperatorDescription::default();
        let apis = apis();
        // Checked once every key is read: `custom-purpose` may come before or after `purpose`.
        let mut purpose: Option<String> = None;
        let mut custom_purpose = false;
        while let Some(key) = map.next_key::<String>()? {
            let d = &mut description;
            match key.as_str() {
                "issuer" => d.provider.issuer = Some(map.next_value()?),
                "bc-authorize-url" => d.provider.bc_authorize_url = Some(map.next_value()?),
                "token-url" => d.provider.token_url = Some(map.next_value()?),
                "jwks-url" => d.provider.jwks_url = Some(map.next_value()?),
                "authorization-url" => d.provider.authorization_url = Some(map.next_value()?),
                "id-token" => d.provider.id_token = Some(map.next_value()?),
                "client-id" => d.client.client_id = Some(map.next_value()?),
                "client-id-env" => d.client.client_id_env = Some(map.next_value()?),
                "key" => d.client.key = Some(map.next_value()?),
                "key-env" => d.client.key_env = Some(map.next_value()?),
                "kid" => d.client.kid = Some(map.next_value()?),
                "alg" => d.client.alg = Some(map.next_value()?),
                "assertion-aud" => d.client.assertion_aud = Some(map.next_value()?),
                "purpose" => purpose = Some(map.next_value()?),
                "custom-purpose" => custom_purpose = map.next_value()?,
                "binding-message" => d.request.binding_message = Some(map.next_value()?),
                "requested-expiry" => d.request.requested_expiry = Some(map.next_value()?),
                "login-hint" => d.token.login_hint = Some(map.next_value()?),
                "scope" => d.token.scope = Some(map.next_value()?),
                TELCO_FINDER => d.telco_finder = Some(map.next_value()?),
                other => match apis.iter().find(|api| api.as_str() == other) {
                    Some(api) => {
                        let section: ApiSection = map.next_value()?;
                        d.apis.insert(*api, section);
                    }
                    None => return Err(de::Error::unknown_field(other, keys())),
                },
            }
        }
        description.purpose = checked_purpose(purpose, custom_purpose)?;
        Ok(description)
    }
}

/// `purpose` through [`Purpose::parse_known`], or through [`Purpose::custom`] when the file says
/// `custom-purpose = true`: an unknown purpose is refused here, before any request, rather than by
/// the operator.
fn checked_purpose<E: de::Error>(purpose: Option<String>, custom: bool) -> Result<Option<Purpose>, E> {
    match (purpose, custom) {
        (Some(text), false) => Purpose::parse_known(&text).map(Some).map_err(|error| {
            E::custom(format_args!(
                "purpose: {error} (an operator-defined dpv: purpose needs custom-purpose = true)"
            ))
        }),
        (Some(text), true) => Purpose::custom(&text)
            .map(Some)
            .map_err(|error| E::custom(format_args!("purpose: {error}"))),
        (None, true) => Err(E::custom("custom-purpose = true needs a purpose")),
        (None, false) => Ok(None),
    }
}
