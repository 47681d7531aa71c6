//! CIBA `login_hint` values in the forms CAMARA defines, plus the bare MSISDN of the Orange France page.
//!
//! CAMARA Security and Interoperability Profile, "Format of login_hint": `tel:` followed by an E.164
//! number, `ipport:` followed by an IPv4 address or a bracketed IPv6 address with an optional port,
//! and `operatortoken:` followed by a GSMA TS.43 token. Each form renders back exactly as parsed.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::phone::{PhoneNumber, PhoneNumberError};
use crate::secret::Secret;

/// Longest login hint accepted, in bytes (TS.43 tokens are opaque but not unbounded).
const MAX_LOGIN_HINT: usize = 4096;

/// Why a login hint was refused. Carries none of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginHintError {
    /// Not one of the known forms.
    #[error("login hint must be tel:+<E.164>, ipport:<address>[:port], operatortoken:<token> or bare digits")]
    UnknownForm,
    /// The phone number of a `tel:` or bare-digits hint is invalid.
    #[error("login hint phone number: {0}")]
    PhoneNumber(#[from] PhoneNumberError),
    /// The `ipport:` value is not an IPv4 address or a bracketed IPv6 address with an optional port.
    #[error("login hint ipport must be an IPv4 address or a bracketed IPv6 address, with an optional port")]
    IpPort,
    /// The `operatortoken:` value is empty or holds white space or control characters.
    #[error("login hint operator token must be non-empty printable ASCII without spaces")]
    OperatorToken,
    /// Longer than any real hint.
    #[error("login hint is longer than {MAX_LOGIN_HINT} bytes")]
    TooLong,
}

/// A CIBA `login_hint`: who the authentication request is about.
///
/// `Debug` masks the number and redacts the token; [`LoginHint::expose_value`] gives the wire form.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginHint {
    /// `tel:+33699901040` (CAMARA).
    Tel(PhoneNumber),
    /// `33699901040`: the bare MSISDN, country code first, no `+` (Orange France KYC Match page).
    Msisdn(PhoneNumber),
    /// `ipport:80.90.34.2:16790` or `ipport:[2001:db8::1]:8080` (CAMARA).
    IpPort {
        /// The device's public address.
        addr: IpAddr,
        /// The source port, needed behind carrier-grade NAT.
        port: Option<u16>,
    },
    /// `operatortoken:<token>`: a GSMA TS.43 temporary token (CAMARA).
    OperatorToken(Secret<String>),
}

impl LoginHint {
    /// The exact wire form of the hint.
    ///
    /// # Security
    ///
    /// Contains the phone number, address or operator token: personal data or a secret.
    pub fn expose_value(&self) -> String {
        match self {
            Self::Tel(number) => format!("tel:{}", number.expose_e164()),
            Self::Msisdn(number) => number.expose_digits().to_owned(),
            Self::IpPort { addr, port } => {
                let addr = match addr {
                    IpAddr::V4(v4) => v4.to_string(),
                    IpAddr::V6(v6) => format!("[{v6}]"),
                };
                match port {
                    Some(port) => format!("ipport:{addr}:{port}"),
                    None => format!("ipport:{addr}"),
                }
            }
            Self::OperatorToken(token) => format!("operatortoken:{}", token.expose_secret()),
        }
    }

    /// The phone number the hint names, for the `tel:` and bare forms.
    pub fn phone_number(&self) -> Option<&PhoneNumber> {
        match self {
            Self::Tel(number) | Self::Msisdn(number) => Some(number),
            Self::IpPort { .. } | Self::OperatorToken(_) => None,
        }
    }
}

fn parse_ip_port(value: &str) -> Result<(IpAddr, Option<u16>), LoginHintError> {
    let parse_port = |port: &str| {
        // u16 parsing accepts a leading '+'; a port is digits only.
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(LoginHintError::IpPort);
        }
        port.parse::<u16>().map_err(|_| LoginHintError::IpPort)
    };
    if let Some(rest) = value.strip_prefix('[') {
        let (addr, after) = rest.split_once(']').ok_or(LoginHintError::IpPort)?;
        let addr: Ipv6Addr = addr.parse().map_err(|_| LoginHintError::IpPort)?;
        let port = match after {
            "" => None,
            _ => Some(parse_port(
                after.strip_prefix(':').ok_or(LoginHintError::IpPort)?,
            )?),
        };
        return Ok((IpAddr::V6(addr), port));
    }
    let (addr, port) = match value.split_once(':') {
        Some((addr, port)) => (addr, Some(parse_port(port)?)),
        None => (value, None),
    };
    let addr: Ipv4Addr = addr.parse().map_err(|_| LoginHintError::IpPort)?;
    Ok((IpAddr::V4(addr), port))
}

impl FromStr for LoginHint {
    type Err = LoginHintError;

    /// Parses one of the exact forms; a `tel:` number must be strict E.164.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_LOGIN_HINT {
            return Err(LoginHintError::TooLong);
        }
        if let Some(number) = s.strip_prefix("tel:") {
            return Ok(Self::Tel(PhoneNumber::parse_strict(number)?));
        }
        if let Some(value) = s.strip_prefix("ipport:") {
            let (addr, port) = parse_ip_port(value)?;
            return Ok(Self::IpPort { addr, port });
        }
        if let Some(token) = s.strip_prefix("operatortoken:") {
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(LoginHintError::OperatorToken);
            }
            return Ok(Self::OperatorToken(Secret::new(token.to_owned())));
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            let mut e164 = String::with_capacity(s.len() + 1);
            e164.push('+');
            e164.push_str(s);
            return Ok(Self::Msisdn(PhoneNumber::parse_strict(&e164)?));
        }
        Err(LoginHintError::UnknownForm)
    }
}

impl fmt::Debug for LoginHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tel(number) => f.debug_tuple("Tel").field(number).finish(),
            Self::Msisdn(number) => f.debug_tuple("Msisdn").field(number).finish(),
            Self::IpPort { addr: _, port: _ } => f.write_str("IpPort([redacted])"),
            Self::OperatorToken(token) => f.debug_tuple("OperatorToken").field(token).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, LoginHintError>) {
        let got = input.parse::<LoginHint>().map(|hint| hint.expose_value());
        assert_eq!(got.as_deref(), expected.as_ref().map(|s| *s), "input {input:?}");
    }

    #[test]
    fn parses_and_renders_each_form_exactly() {
        check("tel:+34666666666", Ok("tel:+34666666666"));
        check("336666666", Ok("336666666"));
        check("ipport:80.90.34.2:16790", Ok("ipport:80.90.34.2:16790"));
        check("ipport:80.90.34.2", Ok("ipport:80.90.34.2"));
        check("ipport:[2001:db8::1]:8080", Ok("ipport:[2001:db8::1]:8080"));
        check("ipport:[2001:db8::1]", Ok("ipport:[2001:db8::1]"));
        check("operatortoken:a1b2-c3.d4", Ok("operatortoken:a1b2-c3.d4"));
    }

    #[test]
    fn refuses_malformed_hints() {
        check(
            "tel:34666666666",
            Err(LoginHintError::PhoneNumber(PhoneNumberError::MissingPlus)),
        );
        check(
            "tel:+34 666 666 666",
            Err(PhoneNumberError::UnexpectedCharacter { position: 3 }.into()),
        );
        check("+34666666666", Err(LoginHintError::UnknownForm));
        check("ipport:2001:db8::1", Err(LoginHintError::IpPort));
        check("ipport:80.90.34.2:", Err(LoginHintError::IpPort));
        check("ipport:80.90.34.2:+80", Err(LoginHintError::IpPort));
        check("ipport:80.90.34.2:70000", Err(LoginHintError::IpPort));
        check("ipport:[2001:db8::1]8080", Err(LoginHintError::IpPort));
        check("ipport:[80.90.34.2]", Err(LoginHintError::IpPort));
        check("ipport:", Err(LoginHintError::IpPort));
        check("operatortoken:", Err(LoginHintError::OperatorToken));
        check("operatortoken:a b", Err(LoginHintError::OperatorToken));
        check("", Err(LoginHintError::UnknownForm));
        check("mailto:someone@example.com", Err(LoginHintError::UnknownForm));
        check(
            "0666666666",
            Err(LoginHintError::PhoneNumber(PhoneNumberError::LeadingZero)),
        );
    }

    #[test]
    fn debug_hides_numbers_addresses_and_tokens() {
        let shown: Vec<String> = [
            "tel:+34666666666",
            "336666666",
            "ipport:80.90.34.2:16790",
            "operatortoken:abc",
        ]
        .iter()
        .map(|s| format!("{:?}", s.parse::<LoginHint>().unwrap()))
        .collect();
        assert_eq!(
            shown,
            [
                "Tel(PhoneNumber(\"+34*******66\"))",
                "Msisdn(PhoneNumber(\"+33*****66\"))",
                "IpPort([redacted])",
                "OperatorToken([redacted])"
            ]
        );
    }
}
