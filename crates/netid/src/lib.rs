//! `netid`: the crate applications use to call the network identity APIs of mobile operators.
//!
//! An [`Operator`] is built from data (an [`OperatorDescription`], usually read from a TOML operator
//! file) that names, per API, a [profile]: the spec version, where the API is served, how
//! the operator writes phone numbers, login hints and scopes, which of its quirks to tolerate, and
//! which flow obtains its tokens. The operator then obtains tokens that way (CIBA through a token
//! cache that runs one flow per subscriber and scope at a time, JWT-bearer, or the caller's token)
//! and makes each call in one line, whatever the operator's spec version:
//!
//! - [`Operator::kyc_match`] → [`match_claims`](Call::match_claims) (CAMARA KYC Match),
//! - [`Operator::sim_swap`] → [`check`](Call::check), [`retrieve_date`](Call::retrieve_date)
//!   (CAMARA SIM Swap),
//! - [`Operator::number_verification`] → [`verify`](Call::verify),
//!   [`device_phone_number`](Call::device_phone_number) (CAMARA Number Verification),
//! - [`Operator::device_swap`] → `check`, `retrieve_date` (CAMARA Device Swap),
//! - [`Operator::number_recycling`] → `check` (CAMARA Number Recycling),
//! - [`Operator::kyc_tenure`] → [`check_tenure`](Call::check_tenure) (CAMARA KYC Tenure).
//! - [`Operator::kyc_age_verification`] → `verify` (CAMARA KYC Age Verification),
//! - [`Operator::kyc_fill_in`] → [`fill_in`](Call::fill_in) (CAMARA KYC Fill-in).
//!
//! Where the profile names the authorization-code flow (the device must authenticate over the mobile
//! network), [`Operator::authorize`] and [`Operator::complete_authorization`] run it around the
//! device's visit, and the call takes the token with [`Subject::with_access_token`].
//!
//! Each call takes a deadline and a progress callback that can cancel the token flow; dropping its
//! future cancels it too. The transport and the sleep come from the default feature `reqwest`, or
//! from [`OperatorBuilder`]; they are given once, never per call.
//!
//! # Example
//!
//! A SIM Swap check against the sandbox operator of `netid-server`, run in-process:
//!
//! ```
//! use std::time::Duration;
//!
//! use netid::description::KeyText;
//! use netid::{Operator, OperatorDescription};
//! use netid_core::phone::PhoneNumber;
//! use netid_server::{Server, ServerConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Server::start(ServerConfig::demo()).await?;
//! let client = sandbox.demo_client().expect("the sandbox registers a demo client");
//! let description = OperatorDescription::from_toml_str(&format!(
//!     r#"
//!     issuer = "{issuer}"
//!     [sim-swap]
//!     profile = "camara-2.1.0"
//!     base-url = "{issuer}/sim-swap/v2"
//!     "#,
//!     issuer = sandbox.issuer(),
//! ))?;
//! let operator = Operator::builder(description)
//!     .client_id(client.client_id())
//!     .key(KeyText::new("sandbox", client.expose_private_key_pem()))
//!     .build()?;
//!
//! let number = PhoneNumber::parse_strict("+34654654654")?;
//! let reply = operator.sim_swap(number).check(Duration::from_secs(240 * 3600)).await?;
//! assert!(reply.value.swapped); // the sandbox swapped this SIM hours ago
//! # sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! - `reqwest` (default): [`Operator::new`] with `netid-reqwest`'s transport and tokio's timer.
//!   Without it, give both to [`Operator::builder`].
//! - `saml` (default): `netid-saml`, the SAML 2.0 service provider, as [`crates::saml`], and
//!   [`saml_metadata::IdpMetadataSource`], signed IdP metadata kept fresh over the transport.
//!
//! # Security
//!
//! Tokens, keys, phone numbers and claims never appear in `Debug` or `Display`; errors name what
//! failed and never quote a secret. Weakenings are reached only by name (`id-token =
//! "insecure-ignore"` in a description).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
mod authorization;
mod call;
mod credentials;
pub mod description;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod operation;
mod operator;
pub mod profile;
mod provider;
#[cfg(feature = "saml")]
pub mod saml_metadata;
mod telco_finder;
mod tokens;

pub use authorization::Authorization;
pub use call::{Call, Progress, Reply, Subject, TokenInfo, TokenSource};
pub use description::OperatorDescription;
pub use error::Error;
pub use netid_camara::kyc_age_verification::{
    AgeCheck, AgeQuery, AgeThreshold, AgeVerification, Restriction,
};
pub use netid_camara::kyc_tenure::ContractType;
pub use netid_camara::operation::{
    CallForwardings, ConsentQuery, ConsentStatus, DeviceSwapCheck, DeviceSwapDate, KycTenure,
    NumberRecycling, NumberToVerify, NumberVerification, SimSwapCheck, SimSwapDate,
    UnconditionalCallForwarding,
};
pub use netid_camara::{Api, RetryPolicy, SpecVersion};
pub use operation::Operation;
pub use operator::{Operator, OperatorBuilder};
pub use telco_finder::{
    MAX_SECOND_LEVEL, OperatorId, Resolved, RoutingError, SearchTarget, TelcoFinder, TelcoFinderBuilder,
};
pub use tokens::{CachedGrant, CibaGrant, CibaRequest};

/// The protocol crates the facade drives, for what it does not wrap: SAML sign-in, the sans-I/O
/// token sessions, per-version CAMARA requests, the domain types, and the transport port (to send
/// a request of one's own, such as a SAML browser step, through the transport the operator uses).
///
/// ```
/// use std::sync::Arc;
///
/// use netid::crates::transport::HttpTransport;
/// use netid::{Operator, OperatorDescription};
/// use netid_server::{Server, ServerConfig};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sandbox = Server::start(ServerConfig::demo()).await?;
/// let transport: Arc<dyn HttpTransport> = Arc::new(netid_reqwest::ReqwestTransport::new()?);
/// let description = OperatorDescription::from_toml_str(&format!("issuer = \"{}\"", sandbox.issuer()))?;
/// let operator = Operator::builder(description).transport(transport.clone()).build()?;
///
/// // One transport for the operator's requests and the application's own.
/// let url = format!("{}/.well-known/openid-configuration", sandbox.issuer());
/// let response = transport.send(http::Request::get(url).body(bytes::Bytes::new())?).await?;
/// assert_eq!(response.status(), 200);
/// # drop(operator);
/// # sandbox.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub mod crates {
    pub use netid_camara as camara;
    pub use netid_ciba as ciba;
    pub use netid_core as core;
    #[cfg(feature = "saml")]
    pub use netid_saml as saml;
    pub use netid_transport as transport;
}

// README.md's examples are doctests of this crate, so the README cannot drift from the API. They use
// the default transport (feature `reqwest`) and the dev-dependencies (the sandbox, netid-saml).
#[cfg(all(doctest, feature = "reqwest"))]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
