//! How claim values are read from and written to JSON: `YYYY-MM-DD` dates, numbers sent as
//! integers, and phone numbers without `+`. Used by the `#[serde(with)]` attributes of
//! [`KycClaims`](super::KycClaims).

use serde::{Deserialize, Deserializer};
use time::Date;
use time::macros::format_description;

use super::KycValueError;
use crate::secret::Pii;

/// Parses the spec's `YYYY-MM-DD` (RFC 3339 `full-date`): four-digit year, two-digit month and day.
pub(crate) fn parse_date(s: &str) -> Result<Date, KycValueError> {
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(KycValueError::Date);
    }
    Date::parse(s, format_description!("[year]-[month]-[day]")).map_err(|_| KycValueError::Date)
}

/// Formats a date as `YYYY-MM-DD`.
///
/// # Errors
///
/// [`KycValueError::Date`] for a year outside 0000–9999, which the spec's format cannot carry.
pub(crate) fn format_date(date: Date) -> Result<String, KycValueError> {
    if !(0..=9999).contains(&date.year()) {
        return Err(KycValueError::Date);
    }
    Ok(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    ))
}

/// `#[serde(with)]` for `Option<Pii<Date>>` in the spec's `YYYY-MM-DD`.
pub(super) mod pii_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    use crate::secret::Pii;

    pub(crate) fn serialize<S: Serializer>(
        date: &Option<Pii<Date>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match date {
            Some(date) => {
                let text = super::format_date(*date.expose_pii()).map_err(serde::ser::Error::custom)?;
                serializer.serialize_str(&text)
            }
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Pii<Date>>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|text| {
            super::parse_date(&text)
                .map(Pii::new)
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}

/// Reads a string, or a JSON integer as its decimal digits.
///
/// The 0.2.1 spec's own request example sends `streetNumber: 4` and `postalCode: 1028460` as YAML
/// integers, so a server reading such a body accepts integers for the fields that are often numeric
/// (`idDocument`, `streetNumber`, `postalCode`, `houseNumberExtension`). Leading zeros lost by the
/// sender cannot be restored.
pub(super) fn string_or_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Pii<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum StringOrInteger {
        String(String),
        Unsigned(u64),
        Signed(i64),
    }
    let value = <Option<StringOrInteger>>::deserialize(deserializer)
        .map_err(|_| serde::de::Error::custom("expected a string or an integer"))?;
    Ok(value.map(|value| match value {
        StringOrInteger::String(text) => Pii::new(text),
        StringOrInteger::Unsigned(number) => Pii::new(number.to_string()),
        StringOrInteger::Signed(number) => Pii::new(number.to_string()),
    }))
}

/// `#[serde(with)]` for `Option<PhoneNumber>`: written in E.164, read with
/// [`PhoneNumber::parse_lenient`] (Orange France's v0.2 page: "optionally prefixed with '+'").
pub(super) mod lenient_phone {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::phone::PhoneNumber;

    pub(crate) fn serialize<S: Serializer>(
        number: &Option<PhoneNumber>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        number.serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PhoneNumber>, D::Error> {
        let text = <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)?;
        text.map(|text| PhoneNumber::parse_lenient(&text).map_err(serde::de::Error::custom))
            .transpose()
    }
}
