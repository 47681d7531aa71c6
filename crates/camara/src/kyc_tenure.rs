//! CAMARA KYC Tenure: has a number been with its operator since a given date, and on what kind of
//! contract.
//!
//! - [`v0_2`]: KYC Tenure 0.2.0 (`{apiRoot}/kyc-tenure/v0.2`).
//!
//! `POST /check-tenure` (`tenureDate`, a calendar date → `tenureDateCheck`, and `contractType` when
//! the operator knows it).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod v0_2;

/// The account type of a subscription (`contractType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ContractType {
    /// `PAYG`: prepaid (pay as you go).
    PayAsYouGo,
    /// `PAYM`: a contract (pay monthly).
    PayMonthly,
    /// `Business`: an enterprise account.
    Business,
    /// A value the spec version does not define, kept as received.
    #[doc(hidden)]
    Other(String),
}

impl ContractType {
    /// The values the spec defines, as they go on the wire.
    pub const KNOWN: [&'static str; 3] = ["PAYG", "PAYM", "Business"];

    /// The value as it goes on the wire (`PAYG`, `PAYM`, `Business`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::PayAsYouGo => "PAYG",
            Self::PayMonthly => "PAYM",
            Self::Business => "Business",
            Self::Other(other) => other,
        }
    }

    /// Reads a wire value; unknown ones are kept as received.
    #[must_use]
    pub fn from_wire(text: &str) -> Self {
        match text {
            "PAYG" => Self::PayAsYouGo,
            "PAYM" => Self::PayMonthly,
            "Business" => Self::Business,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for ContractType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ContractType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ContractType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from_wire(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_types_round_trip_including_unknown_ones() {
        for text in ContractType::KNOWN.into_iter().chain(["PREPAID", ""]) {
            let value = ContractType::from_wire(text);
            assert_eq!(value.as_str(), text);
            assert_eq!(
                serde_json::to_string(&value).expect("serialisable"),
                format!("\"{text}\"")
            );
        }
        assert_eq!(ContractType::from_wire("PAYM"), ContractType::PayMonthly);
        assert_eq!(
            ContractType::from_wire("payg"),
            ContractType::Other("payg".to_owned())
        );
    }
}
