//! E.164 phone numbers: parsed once, normalised, masked when printed.
//!
//! Two parsers build a [`PhoneNumber`]:
//! - [`PhoneNumber::parse_strict`] (also `FromStr` and `TryFrom<&str>`) takes exactly the CAMARA form
//!   `^\+[1-9][0-9]{4,14}$`, as the APIs' request bodies require;
//! - [`PhoneNumber::parse_lenient`] also takes what operators and users really send: the number
//!   without `+` (the Orange France KYC page sends `33699901040`), the `00` international prefix,
//!   `tel:` URIs, and the visual separators space, dot, dash, slash and parentheses, including the
//!   `(0)` trunk-prefix convention (`+44 (0)20 7946 0000`).
//!
//! Both require an assigned ITU country calling code, so [`PhoneNumber::country_code`] is infallible.
//! Country-specific validity (is this a mobile range in Spain?) is the `libphonenumber` feature's job.
//!
//! This parser is written by hand rather than taken from the `phonenumber` crate because the CAMARA
//! form is a simple pattern: the crate's metadata costs about 100 ms to load and 5–10 µs a parse
//! (see `BENCHMARKS.md`), for checks that the APIs do not need.

mod country;
mod hashed;
pub mod serde_lenient;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use hashed::{HashedPhoneNumber, HashedPhoneNumberError};

/// Longest input the lenient parser reads, in bytes: far above any formatted number.
const MAX_LENIENT_INPUT: usize = 128;
/// Fewest digits the CAMARA pattern allows, country code included.
const MIN_DIGITS: usize = 5;
/// Most digits E.164 allows, country code included.
const MAX_DIGITS: usize = 15;

/// Why a phone number was refused. Carries no digit of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// Nothing but white space.
    #[error("phone number is empty")]
    Empty,
    /// The strict form requires a leading `+`.
    #[error("phone number must start with '+' and the country calling code")]
    MissingPlus,
    /// A character that is neither a digit nor an accepted separator.
    #[error("phone number has an unexpected character at byte {position}")]
    UnexpectedCharacter {
        /// Byte offset of the character in the input.
        position: usize,
    },
    /// Too few or too many digits.
    #[error("phone number has {digits} digits, expected {MIN_DIGITS} to {MAX_DIGITS}")]
    Length {
        /// Number of digits found, country code included.
        digits: usize,
    },
    /// A country calling code never starts with 0.
    #[error("phone number must not start with 0 after the international prefix")]
    LeadingZero,
    /// The digits do not start with an assigned country calling code.
    #[error("phone number does not start with an assigned country calling code")]
    UnknownCountryCode,
    /// `tel:` URIs with parameters (`;phone-context=`, `;ext=`) denote local numbers or extensions.
    #[error("tel URI parameters are not supported")]
    TelUriParameters,
    /// The input is longer than any formatted phone number.
    #[error("phone number input is longer than {MAX_LENIENT_INPUT} bytes")]
    TooLong,
    /// Bare digits (no `+`, `00` or `tel:`) that are too short to be an international number
    /// for the country code they start with, or start with no assigned code: most likely a
    /// national number typed without its country code (see [`PhoneNumber::parse_lenient`]).
    #[error(
        "phone number looks national: write it with '+' and the country calling code \
         (for example +34 654654654)"
    )]
    MissingCountryCode,
}

/// An ITU-T E.164 country calling code, such as 33 for France.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode(u16);

impl CountryCode {
    /// The numeric code.
    pub fn value(self) -> u16 {
        self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A phone number in E.164 form (`+` and 5 to 15 digits, country code first).
///
/// `Debug` and `Display` show the country code and the last two digits only (`+33*******40`); the full
/// number is reachable through [`PhoneNumber::expose_e164`] and [`PhoneNumber::expose_digits`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber {
    /// `+` followed by the digits, then zero padding: stored inline, so parsing never allocates.
    e164: [u8; 1 + MAX_DIGITS],
    /// Bytes of `e164` in use, `+` included.
    len: u8,
    country_code: CountryCode,
    /// Number of digits of the country code.
    country_code_len: u8,
}

impl PhoneNumber {
    /// Parses the strict CAMARA form `^\+[1-9][0-9]{4,14}$` with an assigned country code.
    ///
    /// # Errors
    ///
    /// [`PhoneNumberError`] naming the first rule the input breaks.
    pub fn parse_strict(input: &str) -> Result<Self, PhoneNumberError> {
        if input.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let Some(digits) = input.strip_prefix('+') else {
            return Err(PhoneNumberError::MissingPlus);
        };
        if let Some(position) = digits.bytes().position(|b| !b.is_ascii_digit()) {
            return Err(PhoneNumberError::UnexpectedCharacter {
                position: position + 1,
            });
        }
        Self::from_digits(digits.as_bytes())
    }

    /// Parses what operators and users really send, and normalises it to E.164.
    ///
    /// Accepts a leading `+`, `00` or nothing (the digits then start with the country code), a `tel:`
    /// URI without parameters, and the separators space, dot, dash, slash and parentheses, including a
    /// `(0)` trunk prefix after the country code.
    ///
    /// # Bare digits
    ///
    /// Digits without `+`, `00` or `tel:` are read as an international number (the Orange France
    /// page's `33699901040`) only if they can be one: they must start with an assigned ITU country
    /// calling code, and the digits after it must be at least as many as the shortest national
    /// significant number of that code (France 9, Spain 9, Singapore 8, the North American plan 10;
    /// the table comes from libphonenumber's metadata). Otherwise they are most likely a national
    /// number typed without its country code, and are refused with
    /// [`PhoneNumberError::MissingCountryCode`]: the Spanish `654654654` would otherwise become
    /// `+65 4654654`, a Singapore number one digit short. A number written with `+`, `00` or `tel:`
    /// is not checked this way: its writer named the country code.
    ///
    /// ```
    /// use netid_core::phone::{PhoneNumber, PhoneNumberError};
    ///
    /// assert_eq!(PhoneNumber::parse_lenient("33699901040")?.expose_e164(), "+33699901040");
    /// assert_eq!(
    ///     PhoneNumber::parse_lenient("654654654"),
    ///     Err(PhoneNumberError::MissingCountryCode)
    /// );
    /// assert_eq!(PhoneNumber::parse_lenient("+34 654654654")?.expose_e164(), "+34654654654");
    /// # Ok::<(), PhoneNumberError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`PhoneNumberError`] naming the first rule the input breaks.
    pub fn parse_lenient(input: &str) -> Result<Self, PhoneNumberError> {
        if input.len() > MAX_LENIENT_INPUT {
            return Err(PhoneNumberError::TooLong);
        }
        let start = input.trim_start();
        let offset = input.len() - start.len();
        let trimmed = start.trim_end();
        if trimmed.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        let (rest, offset, tel) = match trimmed.get(..4) {
            Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => (&trimmed[4..], offset + 4, true),
            _ => (trimmed, offset, false),
        };
        let (rest, offset, bare) = if let Some(rest) = rest.strip_prefix('+') {
            (rest, offset + 1, false)
        } else if let Some(rest) = rest.strip_prefix("00") {
            (rest, offset + 2, false)
        } else {
            (rest, offset, !tel)
        };

        // Digits are collected on the stack: one allocation in all, for the result.
        let mut digits = [0u8; MAX_DIGITS];
        let mut count = 0;
        let bytes = rest.as_bytes();
        let mut index = 0;
        while let Some(&byte) = bytes.get(index) {
            match byte {
                b'0'..=b'9' => {
                    let Some(slot) = digits.get_mut(count) else {
                        return Err(PhoneNumberError::Length { digits: count + 1 });
                    };
                    *slot = byte;
                    count += 1;
                }
                // "(0)" after the country code is the trunk prefix written for national callers.
                b'(' if count > 0 && bytes[index..].starts_with(b"(0)") => index += 2,
                b' ' | b'.' | b'-' | b'/' | b'(' | b')' => {}
                b';' => return Err(PhoneNumberError::TelUriParameters),
                _ if byte.is_ascii_whitespace() => {}
                0x80.. => {
                    // Non-ASCII: only Unicode white space (no-break space, thin space…) is a separator.
                    match rest[index..].chars().next() {
                        Some(c) if c.is_whitespace() => index += c.len_utf8() - 1,
                        _ => {
                            return Err(PhoneNumberError::UnexpectedCharacter {
                                position: offset + index,
                            });
                        }
                    }
                }
                _ => {
                    return Err(PhoneNumberError::UnexpectedCharacter {
                        position: offset + index,
                    });
                }
            }
            index += 1;
        }
        let number = Self::from_digits(&digits[..count]);
        if bare {
            return match number {
                // Bare digits that start with no assigned code are a national number far more
                // often than a typo in a country code.
                Err(PhoneNumberError::UnknownCountryCode) => Err(PhoneNumberError::MissingCountryCode),
                number => number.and_then(Self::plausible_without_prefix),
            };
        }
        number
    }

    /// Refuses bare digits too short for their country code: see "Bare digits" on
    /// [`parse_lenient`](Self::parse_lenient).
    fn plausible_without_prefix(self) -> Result<Self, PhoneNumberError> {
        let national = self.expose_national_number().len();
        match country::min_national_digits(self.country_code.0) {
            Some(min) if national < min => Err(PhoneNumberError::MissingCountryCode),
            _ => Ok(self),
        }
    }

    /// Builds from the ASCII digits after `+`.
    fn from_digits(digits: &[u8]) -> Result<Self, PhoneNumberError> {
        if digits.is_empty() {
            return Err(PhoneNumberError::Empty);
        }
        if digits[0] == b'0' {
            return Err(PhoneNumberError::LeadingZero);
        }
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()) {
            return Err(PhoneNumberError::Length { digits: digits.len() });
        }
        let (code, len) = country::split(digits).ok_or(PhoneNumberError::UnknownCountryCode)?;
        let mut e164 = [0u8; 1 + MAX_DIGITS];
        e164[0] = b'+';
        e164[1..=digits.len()].copy_from_slice(digits);
        Ok(Self {
            e164,
            // At most 16 bytes, checked above.
            len: (digits.len() + 1) as u8,
            country_code: CountryCode(code),
            // Country codes have at most three digits.
            country_code_len: len as u8,
        })
    }

    /// The number in E.164 form, `+` included (`+33699901040`).
    ///
    /// # Security
    ///
    /// A phone number is personal data: do not log it or put it in an error message.
    pub fn expose_e164(&self) -> &str {
        // Only ASCII '+' and digits are ever stored, so this conversion cannot fail; the empty
        // fallback keeps the method panic-free even so.
        std::str::from_utf8(&self.e164[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The digits without `+` (`33699901040`), as some operators expect them.
    ///
    /// # Security
    ///
    /// As for [`PhoneNumber::expose_e164`].
    pub fn expose_digits(&self) -> &str {
        &self.expose_e164()[1..]
    }

    /// The country calling code.
    pub fn country_code(&self) -> CountryCode {
        self.country_code
    }

    /// The national significant number: the digits after the country code.
    ///
    /// # Security
    ///
    /// As for [`PhoneNumber::expose_e164`].
    pub fn expose_national_number(&self) -> &str {
        &self.expose_e164()[1 + usize::from(self.country_code_len)..]
    }

    /// Whether libphonenumber's metadata knows the number as valid for its country.
    ///
    /// The first call loads the metadata (about 100 ms).
    #[cfg(feature = "libphonenumber")]
    #[cfg_attr(docsrs, doc(cfg(feature = "libphonenumber")))]
    pub fn is_valid_for_country(&self) -> bool {
        phonenumber::parse(None, self.expose_e164()).is_ok_and(|number| phonenumber::is_valid(&number))
    }

    fn masked(&self) -> String {
        let national = self.expose_national_number();
        // Showing the last two digits of a very short number would show most of it.
        let shown = if national.len() > 4 { 2 } else { 0 };
        let mut out = String::with_capacity(usize::from(self.len));
        out.push('+');
        out.push_str(&self.expose_e164()[1..1 + usize::from(self.country_code_len)]);
        out.extend(std::iter::repeat_n('*', national.len() - shown));
        out.push_str(&national[national.len() - shown..]);
        out
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PhoneNumber").field(&self.masked()).finish()
    }
}

/// Masked: country code and last two digits.
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;

    /// Strict: see [`PhoneNumber::parse_strict`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_strict(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse_strict(value)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_strict(&value)
    }
}

/// Serialised in E.164 form.
impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_e164())
    }
}

/// Deserialised strictly; see [`serde_lenient`] for operators that omit the `+`.
impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse_strict(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
