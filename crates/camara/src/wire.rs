//! JSON decoding with quirk normalisation: parse to a `serde_json::Value`, rewrite the deviations the
//! profile tolerates (recording each with its path), refuse the others, then deserialise the typed
//! body with `serde_path_to_error` so a failure names its JSON path.

use bytes::Bytes;
use netid_core::phone::PhoneNumber;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{DecodeError, DecodeErrorKind};
use crate::profile::{Quirk, Tolerance};

/// A deviation from the spec that was tolerated while decoding, and where.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct ToleratedQuirk {
    /// What deviated.
    pub quirk: Quirk,
    /// The JSON path (`$.swapped`).
    pub path: String,
}

/// Rewrites one decoded JSON document towards the spec, as far as the tolerance allows.
#[derive(Debug)]
pub(crate) struct Normalizer<'a> {
    tolerance: Tolerance,
    status: u16,
    body: &'a Bytes,
    tolerated: Vec<ToleratedQuirk>,
}

/// The shape rewriting a body type needs: called once on the whole document.
pub(crate) type Normalize = fn(&mut Value, &mut Normalizer<'_>) -> Result<(), DecodeError>;

/// The typed reading of a normalised document: called once, after [`Normalize`]; its errors name
/// the JSON path that failed.
pub(crate) type Convert<T> = fn(Value, &Normalizer<'_>) -> Result<T, DecodeError>;

/// Decodes `body` (answered with `status`) as `T` with serde, after `normalize`.
pub(crate) fn decode<T: DeserializeOwned>(
    status: u16,
    body: &Bytes,
    tolerance: Tolerance,
    normalize: Normalize,
) -> Result<(T, Vec<ToleratedQuirk>), DecodeError> {
    decode_with(status, body, tolerance, normalize, deserialize::<T>)
}

/// Decodes `body` (answered with `status`) through `normalize`, then `convert`.
pub(crate) fn decode_with<T>(
    status: u16,
    body: &Bytes,
    tolerance: Tolerance,
    normalize: Normalize,
    convert: Convert<T>,
) -> Result<(T, Vec<ToleratedQuirk>), DecodeError> {
    let mut value = parse(status, body)?;
    let mut normalizer = Normalizer {
        tolerance,
        status,
        body,
        tolerated: Vec::new(),
    };
    normalize(&mut value, &mut normalizer)?;
    let typed = convert(value, &normalizer)?;
    Ok((typed, normalizer.tolerated))
}

/// The serde reading of a normalised document, naming the JSON path that failed.
pub(crate) fn deserialize<T: DeserializeOwned>(
    value: Value,
    normalizer: &Normalizer<'_>,
) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let path = json_path(&error.path().to_string());
        normalizer.data_error(path, error.inner().to_string())
    })
}

/// Parses `body` as one JSON document, naming the path where the syntax broke.
pub(crate) fn parse(status: u16, body: &Bytes) -> Result<Value, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, Value>(&mut deserializer).map_err(|error| {
        let path = json_path(&error.path().to_string());
        DecodeError::new(
            status,
            path,
            DecodeErrorKind::Syntax,
            error.inner().to_string(),
            body.clone(),
        )
    })?;
    deserializer.end().map_err(|error| {
        DecodeError::new(
            status,
            "$".to_owned(),
            DecodeErrorKind::Syntax,
            error.to_string(),
            body.clone(),
        )
    })?;
    Ok(value)
}

/// `serde_path_to_error`'s `a.b[0]` (or `.` for the root) as `$.a.b[0]`. A trailing `?` (a key not
/// read yet, as after a trailing comma) is dropped: the path then names the enclosing object.
fn json_path(path: &str) -> String {
    let mut path = path;
    while let Some(rest) = path.strip_suffix('?') {
        path = rest.strip_suffix('.').unwrap_or(rest);
    }
    if path.is_empty() || path == "." {
        "$".to_owned()
    } else {
        format!("$.{path}")
    }
}

impl Normalizer<'_> {
    /// Records `quirk` at `path` if tolerated, or fails.
    pub(crate) fn deviation(&mut self, quirk: Quirk, path: String) -> Result<(), DecodeError> {
        if self.tolerance.allows(quirk) {
            self.tolerated.push(ToleratedQuirk { quirk, path });
            Ok(())
        } else {
            Err(self.error(
                path,
                DecodeErrorKind::Quirk(quirk),
                format!("{quirk} not tolerated"),
            ))
        }
    }

    /// A [`DecodeErrorKind::Data`] error at `path`.
    pub(crate) fn data_error(&self, path: String, detail: String) -> DecodeError {
        self.error(path, DecodeErrorKind::Data, detail)
    }

    fn error(&self, path: String, kind: DecodeErrorKind, detail: String) -> DecodeError {
        DecodeError::new(self.status, path, kind, detail, self.body.clone())
    }

    /// The document as an object, or a data error at `$`.
    pub(crate) fn object<'v>(&self, value: &'v mut Value) -> Result<&'v mut Map<String, Value>, DecodeError> {
        match value {
            Value::Object(map) => Ok(map),
            _ => Err(self.error(
                "$".to_owned(),
                DecodeErrorKind::Data,
                "expected a JSON object".to_owned(),
            )),
        }
    }

    /// Removes (tolerated) or refuses fields outside `known`.
    pub(crate) fn known_fields(
        &mut self,
        map: &mut Map<String, Value>,
        known: &[&str],
    ) -> Result<(), DecodeError> {
        let unknown: Vec<String> = map
            .keys()
            .filter(|key| !known.contains(&key.as_str()))
            .cloned()
            .collect();
        for key in unknown {
            self.deviation(Quirk::UnknownField, format!("$.{key}"))?;
            map.remove(&key);
        }
        Ok(())
    }

    /// Turns `"true"`/`"false"` at `key` into a boolean (a [`Quirk::ScalarAsString`]).
    pub(crate) fn boolean(&mut self, map: &mut Map<String, Value>, key: &str) -> Result<(), DecodeError> {
        if let Some(Value::String(text)) = map.get(key) {
            let parsed = match text.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            if let Some(flag) = parsed {
                self.deviation(Quirk::ScalarAsString, format!("$.{key}"))?;
                map.insert(key.to_owned(), Value::Bool(flag));
            }
        }
        Ok(())
    }

    /// Turns a decimal string at `key` into an integer (a [`Quirk::ScalarAsString`]).
    pub(crate) fn integer(&mut self, map: &mut Map<String, Value>, key: &str) -> Result<(), DecodeError> {
        if let Some(Value::String(text)) = map.get(key)
            && let Ok(number) = text.trim().parse::<i64>()
        {
            self.deviation(Quirk::ScalarAsString, format!("$.{key}"))?;
            map.insert(key.to_owned(), Value::from(number));
        }
        Ok(())
    }

    /// Records a string at `key` outside `known` as a [`Quirk::UnknownEnumValue`]; the value stays,
    /// for the type's catch-all variant to keep.
    pub(crate) fn enum_value(
        &mut self,
        map: &Map<String, Value>,
        key: &str,
        known: &[&str],
    ) -> Result<(), DecodeError> {
        if let Some(Value::String(text)) = map.get(key)
            && !known.contains(&text.as_str())
        {
            self.deviation(Quirk::UnknownEnumValue, format!("$.{key}"))?;
        }
        Ok(())
    }

    /// Adds the `+` to a phone number sent without it (a [`Quirk::MissingPlus`]).
    pub(crate) fn phone(&mut self, map: &mut Map<String, Value>, key: &str) -> Result<(), DecodeError> {
        if let Some(Value::String(text)) = map.get(key)
            && !text.starts_with('+')
            && let Ok(number) = PhoneNumber::parse_lenient(text)
        {
            self.deviation(Quirk::MissingPlus, format!("$.{key}"))?;
            map.insert(key.to_owned(), Value::String(number.expose_e164().to_owned()));
        }
        Ok(())
    }
}

/// The normaliser of the CAMARA error body `{status, code, message}`.
pub(crate) fn normalize_error_info(
    value: &mut Value,
    normalizer: &mut Normalizer<'_>,
) -> Result<(), DecodeError> {
    let map = normalizer.object(value)?;
    normalizer.integer(map, "status")?;
    normalizer.known_fields(map, &["status", "code", "message"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Flag {
        swapped: bool,
    }

    fn flag(value: &mut Value, normalizer: &mut Normalizer<'_>) -> Result<(), DecodeError> {
        let map = normalizer.object(value)?;
        normalizer.boolean(map, "swapped")?;
        normalizer.known_fields(map, &["swapped"])
    }

    fn check(body: &str, tolerance: Tolerance) -> String {
        match decode::<Flag>(200, &Bytes::copy_from_slice(body.as_bytes()), tolerance, flag) {
            Ok((value, quirks)) => format!("{value:?} {quirks:?}"),
            Err(error) => format!("{:?} at {}", error.kind(), error.path()),
        }
    }

    #[test]
    fn decoding_table() {
        let lenient = Tolerance::lenient();
        let strict = Tolerance::strict();
        assert_eq!(check(r#"{"swapped": true}"#, strict), "Flag { swapped: true } []");
        assert_eq!(
            check(r#"{"swapped": "true"}"#, lenient),
            r#"Flag { swapped: true } [ToleratedQuirk { quirk: ScalarAsString, path: "$.swapped" }]"#
        );
        assert_eq!(
            check(r#"{"swapped": "true"}"#, strict),
            "Quirk(ScalarAsString) at $.swapped"
        );
        assert_eq!(
            check(r#"{"swapped": true, "x": 1}"#, strict),
            "Quirk(UnknownField) at $.x"
        );
        assert_eq!(check(r#"{"swapped": "yes"}"#, lenient), "Data at $.swapped");
        assert_eq!(check(r#"{}"#, lenient), "Data at $");
        assert_eq!(check(r#"[]"#, lenient), "Data at $");
        assert_eq!(check(r#"{"swapped": true,}"#, lenient), "Syntax at $");
        assert_eq!(check(r#"{"swapped": tru"#, lenient), "Syntax at $.swapped");
        assert_eq!(check(r#"{"swapped": true} x"#, lenient), "Syntax at $");
        assert_eq!(check("", lenient), "Syntax at $");
    }
}
