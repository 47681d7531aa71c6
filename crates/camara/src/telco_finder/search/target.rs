//! The target of a search: a phone number, or a device's public address and port.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use netid_core::phone::PhoneNumber;
use serde_json::{Map, Value, json};

/// Who to find the operator of: a phone number, or a device's public IPv4 or IPv6 address with
/// its public port (behind carrier-grade NAT the port tells subscribers apart).
///
/// `Debug` masks the phone number and hides the address: both identify a subscriber.
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchTarget {
    /// `target.phoneNumber`, E.164 with `+`.
    PhoneNumber(PhoneNumber),
    /// `target.ipv4Address`: `publicAddress` and, when known, `publicPort`.
    Ipv4 {
        /// The device's public address.
        public_address: Ipv4Addr,
        /// The device's public port.
        public_port: Option<u16>,
    },
    /// `target.ipv6Address`: `publicAddress` and, when known, `publicPort`.
    Ipv6 {
        /// The device's public address.
        public_address: Ipv6Addr,
        /// The device's public port.
        public_port: Option<u16>,
    },
}

impl fmt::Debug for SearchTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PhoneNumber(number) => f.debug_tuple("PhoneNumber").field(number).finish(),
            Self::Ipv4 { .. } => f.write_str("Ipv4([redacted])"),
            Self::Ipv6 { .. } => f.write_str("Ipv6([redacted])"),
        }
    }
}

impl SearchTarget {
    /// The `target` member of the request body.
    pub(super) fn to_json(&self) -> Value {
        let address = |address: String, port: Option<u16>| {
            let mut map = Map::new();
            map.insert("publicAddress".to_owned(), Value::from(address));
            if let Some(port) = port {
                map.insert("publicPort".to_owned(), Value::from(port));
            }
            Value::Object(map)
        };
        match self {
            Self::PhoneNumber(number) => json!({ "phoneNumber": number.expose_e164() }),
            Self::Ipv4 {
                public_address,
                public_port,
            } => json!({ "ipv4Address": address(public_address.to_string(), *public_port) }),
            Self::Ipv6 {
                public_address,
                public_port,
            } => json!({ "ipv6Address": address(public_address.to_string(), *public_port) }),
        }
    }

    /// A key naming this target in a cache.
    ///
    /// # Security
    ///
    /// Carries the phone number or the address in clear.
    pub(crate) fn expose_key(&self) -> String {
        match self {
            Self::PhoneNumber(number) => format!("tel:{}", number.expose_e164()),
            Self::Ipv4 {
                public_address,
                public_port,
            } => format!("ipv4:{public_address}:{public_port:?}"),
            Self::Ipv6 {
                public_address,
                public_port,
            } => format!("ipv6:{public_address}:{public_port:?}"),
        }
    }
}

impl From<PhoneNumber> for SearchTarget {
    fn from(number: PhoneNumber) -> Self {
        Self::PhoneNumber(number)
    }
}

impl From<&PhoneNumber> for SearchTarget {
    fn from(number: &PhoneNumber) -> Self {
        Self::PhoneNumber(number.clone())
    }
}

/// A device's public address without its port.
impl From<IpAddr> for SearchTarget {
    fn from(address: IpAddr) -> Self {
        Self::device(address, None)
    }
}

/// A device's public address and port.
impl From<SocketAddr> for SearchTarget {
    fn from(address: SocketAddr) -> Self {
        Self::device(address.ip(), Some(address.port()))
    }
}

impl SearchTarget {
    /// The `ipv4Address` or `ipv6Address` target of a device's public address and port.
    #[must_use]
    pub fn device(address: IpAddr, public_port: Option<u16>) -> Self {
        match address {
            IpAddr::V4(public_address) => Self::Ipv4 {
                public_address,
                public_port,
            },
            IpAddr::V6(public_address) => Self::Ipv6 {
                public_address,
                public_port,
            },
        }
    }
}
