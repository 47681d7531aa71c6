//! Domain core of the netid toolkit: the types every other netid crate speaks.
//!
//! This crate parses and normalises the identifiers of the network identity APIs (E.164 phone numbers,
//! CIBA login hints, CAMARA purposes and scopes, `x-correlator` values), carries the KYC Match claims
//! and their match semantics, the CAMARA error catalogue, and the secret and personal-data wrappers
//! that keep tokens and numbers out of logs.
//!
//! It **never** does I/O: no sockets, no files, no async, no clock reads and no randomness except
//! through the [`ports::Clock`] and [`ports::SecureRandom`] ports that callers inject. `cargo xtask
//! tidy` fails the build if an I/O crate (tokio, reqwest, hyper, http) enters its dependency tree.
//!
//! # Example
//!
//! ```
//! use netid_core::login_hint::LoginHint;
//! use netid_core::phone::PhoneNumber;
//! use netid_core::scope::{ApiScope, Purpose, Scope};
//!
//! // What a user typed, and what the Orange France KYC page sends: both normalise to E.164.
//! let typed = PhoneNumber::parse_lenient("+33 (0)6 99 90 10 40")?;
//! let orange = PhoneNumber::parse_lenient("33699901040")?;
//! assert_eq!(typed, orange);
//! assert_eq!(typed.country_code().value(), 33);
//! // Display and Debug never show the subscriber part.
//! assert_eq!(typed.to_string(), "+33*******40");
//!
//! let hint = LoginHint::Tel(typed.clone());
//! assert_eq!(hint.expose_value(), "tel:+33699901040");
//!
//! let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
//!     .api(ApiScope::SimSwapCheck)
//!     .build();
//! assert_eq!(scope.to_string(), "openid dpv:FraudPreventionAndDetection sim-swap:check");
//!
//! // Number Verification's hashed form.
//! assert_eq!(typed.hashed().as_str().len(), 64);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `test-util`: deterministic doubles for the ports ([`test_util::ManualClock`],
//!   [`test_util::SeededRandom`]).
//! - `libphonenumber`: per-country validity of phone numbers through the `phonenumber` crate
//!   (off by default: about 100 ms of start-up and 5–10 µs a parse, against well under a microsecond
//!   for this crate's own parser).
//!
//! # Security
//!
//! Secrets ([`secret::Secret`], [`token::AccessToken`]) and personal data ([`secret::Pii`],
//! [`phone::PhoneNumber`], the KYC claims) print redacted or masked in `Debug` and `Display`. Their
//! raw values are reachable only through methods named `expose_*`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod correlator;
pub mod error_info;
pub mod kyc;
pub mod login_hint;
pub mod phone;
pub mod ports;
pub mod scope;
pub mod secret;
pub mod spec;
pub mod store;
#[cfg(any(test, feature = "test-util"))]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
pub mod token;

#[doc(hidden)]
pub mod fuzzing;
