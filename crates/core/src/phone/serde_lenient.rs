//! `#[serde(with = "netid_core::phone::serde_lenient")]`: reads with [`PhoneNumber::parse_lenient`],
//! writes E.164.

use serde::{Deserialize, Deserializer, Serializer};

use super::PhoneNumber;

/// Writes the number in E.164 form.
///
/// # Errors
///
/// Whatever the serializer reports.
pub fn serialize<S: Serializer>(number: &PhoneNumber, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(number.expose_e164())
}

/// Reads a number leniently.
///
/// # Errors
///
/// A custom serde error carrying the [`super::PhoneNumberError`] text (never the digits).
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PhoneNumber, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    PhoneNumber::parse_lenient(&text).map_err(serde::de::Error::custom)
}
