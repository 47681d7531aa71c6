//! The compact JWS of an ID token, split and decoded before any check.
//!
//! The shape is the one `openidconnect` 4.1 required (this crate used it until it moved to one
//! crypto stack): three base64url segments, a header with a known `alg`, and a payload with
//! `iss` (a URL), `sub`, `exp` and `iat` (seconds, integer or fractional), `aud` (a string or a
//! list, absent meaning none). Anything else is [`IdTokenError::Malformed`].

use base64::Engine as _;
use chrono::{DateTime, TimeZone as _, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::IdTokenError;
use crate::provider::jwks::{B64, JWE_CONTENT_ALGORITHMS, JWS_ALGORITHMS};

/// What the header's `alg` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderAlg {
    /// A JWS signature algorithm (RFC 7518 §3.1).
    Signature(String),
    /// A JWE content-encryption algorithm: the token is encrypted, which is not supported.
    Encryption(String),
    /// `none`.
    None,
}

impl<'de> Deserialize<'de> for HeaderAlg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Case-sensitive, as RFC 7515 §4.1.1 says.
        let name = String::deserialize(deserializer)?;
        if name == "none" {
            Ok(Self::None)
        } else if JWE_CONTENT_ALGORITHMS.contains(&name.as_str()) {
            Ok(Self::Encryption(name))
        } else if JWS_ALGORITHMS.contains(&name.as_str()) {
            Ok(Self::Signature(name))
        } else {
            Err(serde::de::Error::custom(format!(
                "unrecognized JSON Web Algorithm `{name}`"
            )))
        }
    }
}

/// The JOSE header members that are checked.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Header {
    pub(crate) alg: HeaderAlg,
    pub(crate) crit: Option<Vec<String>>,
    pub(crate) cty: Option<String>,
    pub(crate) kid: Option<String>,
    pub(crate) typ: Option<String>,
}

/// The claims of an ID token the checks and [`super::VerifiedIdToken`] read.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Claims {
    #[serde(deserialize_with = "issuer")]
    pub(crate) iss: String,
    #[serde(default, deserialize_with = "audiences")]
    pub(crate) aud: Vec<String>,
    #[serde(deserialize_with = "timestamp")]
    pub(crate) exp: DateTime<Utc>,
    #[serde(deserialize_with = "timestamp")]
    pub(crate) iat: DateTime<Utc>,
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub(crate) auth_time: Option<DateTime<Utc>>,
    pub(crate) nonce: Option<String>,
    pub(crate) acr: Option<String>,
    // Read for its shape only (a list of strings), as before.
    #[allow(dead_code)]
    amr: Option<Vec<String>>,
    pub(crate) azp: Option<String>,
    #[allow(dead_code)]
    at_hash: Option<String>,
    #[allow(dead_code)]
    c_hash: Option<String>,
    /// Read with the other standard claims, by [`standard_claims`].
    #[serde(skip)]
    pub(crate) sub: String,
    #[serde(rename = "urn:openid:params:jwt:claim:auth_req_id")]
    pub(crate) auth_req_id: Option<String>,
}

/// `iss` is an issuer identifier: a URL, kept as written.
fn issuer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    url::Url::parse(&text).map_err(serde::de::Error::custom)?;
    Ok(text)
}

/// `aud`: one string or a list of strings.
fn audiences<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match serde_json::from_value::<Vec<String>>(value.clone()) {
        Ok(list) => Ok(list),
        Err(_) => serde_json::from_value::<String>(value)
            .map(|single| vec![single])
            .map_err(serde::de::Error::custom),
    }
}

/// A NumericDate: seconds since the epoch, a fraction rounded down to the nanosecond.
fn to_time(seconds: &serde_json::Number) -> Option<DateTime<Utc>> {
    if let Some(whole) = seconds.as_i64() {
        return Utc.timestamp_opt(whole, 0).single();
    }
    let exact = seconds.as_f64()?;
    let whole = exact.floor();
    // Out-of-range values saturate here and are refused by `timestamp_opt`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (secs, nanos) = (whole as i64, ((exact - whole) * 1_000_000_000.0).floor() as u32);
    Utc.timestamp_opt(secs, nanos).single()
}

fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let seconds = serde_json::Number::deserialize(deserializer)?;
    to_time(&seconds).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "failed to parse `{seconds}` as UTC datetime (in seconds)"
        ))
    })
}

fn optional_timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(seconds) => to_time(&seconds).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "failed to parse `{seconds}` as UTC datetime (in seconds)"
            ))
        }),
    }
}

/// The OIDC Core §5.1 claims that may carry a `#language` suffix (§5.2).
const LOCALIZED_CLAIMS: [&str; 8] = [
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "profile",
    "picture",
    "website",
];

/// The other OIDC Core §5.1 claims that are text.
const TEXT_CLAIMS: [&str; 9] = [
    "sub",
    "preferred_username",
    "email",
    "gender",
    "birthday",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
];

/// The members of the §5.1.1 `address` claim.
const ADDRESS_MEMBERS: [&str; 6] = [
    "formatted",
    "street_address",
    "locality",
    "region",
    "postal_code",
    "country",
];

/// The payload's members in order, duplicates kept (a JSON map would keep only the last).
struct Members(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Members;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// Reads `sub` and checks the JSON types of the OIDC Core §5.1 standard claims, as
/// `openidconnect` did when it decoded them: a token with `"email_verified": "yes"`, a
/// `sub#en` or a repeated `email` was malformed, and still is. Profile values are never read
/// (personal data), and the error names the claim, never its value.
fn standard_claims(members: &[(String, Value)]) -> Result<String, String> {
    let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
    let mut subject = None;
    for (key, value) in members {
        let (name, tag) = match key.split_once('#') {
            Some((name, tag)) => (name, Some(tag).filter(|tag| !tag.is_empty())),
            None => (key.as_str(), None),
        };
        let localized = LOCALIZED_CLAIMS.contains(&name);
        let known = localized
            || TEXT_CLAIMS.contains(&name)
            || matches!(
                name,
                "email_verified" | "phone_number_verified" | "address" | "updated_at"
            );
        if !known {
            continue;
        }
        if tag.is_some() && !localized {
            return Err(format!("unexpected language tag for claim `{name}`"));
        }
        if seen.contains(&(name, tag)) {
            return Err(format!("duplicate claim `{name}`"));
        }
        seen.push((name, tag));
        let fits = match name {
            "sub" => value.is_string(),
            "email_verified" | "phone_number_verified" => value.is_boolean() || value.is_null(),
            "address" => {
                value.is_null()
                    || value.as_object().is_some_and(|address| {
                        ADDRESS_MEMBERS
                            .iter()
                            .all(|member| address.get(*member).is_none_or(|v| v.is_string() || v.is_null()))
                    })
            }
            "updated_at" => value.is_null() || value.as_number().and_then(to_time).is_some(),
            _ => value.is_string() || value.is_null(),
        };
        if !fits {
            return Err(format!("claim `{name}` has the wrong type"));
        }
        if name == "sub" {
            subject = value.as_str().map(str::to_owned);
        }
    }
    subject.ok_or_else(|| "missing field `sub`".to_owned())
}

/// A compact JWS, split and decoded, its signature not checked yet.
#[derive(Debug, Clone)]
pub(crate) struct Jws<'a> {
    pub(crate) header: Header,
    pub(crate) claims: Claims,
    /// `header.payload`, the octets the signature covers.
    pub(crate) signing_input: &'a str,
    pub(crate) signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    /// Splits and decodes `raw`.
    ///
    /// The error texts never quote the token's content (it carries personal data).
    pub(crate) fn parse(raw: &'a str) -> Result<Self, IdTokenError> {
        let malformed = |reason: String| IdTokenError::Malformed(reason);
        let parts: Vec<&str> = raw.split('.').collect();
        let [header, payload, signature] = parts.as_slice() else {
            return Err(malformed(format!(
                "invalid JSON web token: found {} parts (expected 3)",
                parts.len()
            )));
        };
        let header_json = B64
            .decode(header)
            .map_err(|err| malformed(format!("invalid base64url header encoding: {err}")))?;
        let header: Header = serde_json::from_slice(&header_json)
            .map_err(|err| malformed(format!("failed to parse header JSON: {err}")))?;
        let payload_json = B64
            .decode(payload)
            .map_err(|err| malformed(format!("invalid base64url payload encoding: {err}")))?;
        let claims: Claims = serde_json::from_slice(&payload_json)
            .map_err(|err| malformed(format!("failed to parse payload JSON: {err}")))?;
        let Members(members) = serde_json::from_slice(&payload_json)
            .map_err(|err| malformed(format!("failed to parse payload JSON: {err}")))?;
        let mut claims = claims;
        claims.sub = standard_claims(&members).map_err(malformed)?;
        let signature = B64
            .decode(signature)
            .map_err(|err| malformed(format!("invalid base64url signature encoding: {err}")))?;
        let signing_input = raw
            .rsplit_once('.')
            .map_or(raw, |(signing_input, _)| signing_input);
        Ok(Self {
            header,
            claims,
            signing_input,
            signature,
        })
    }
}

#[cfg(test)]
mod tests;
