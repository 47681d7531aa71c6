//! `netid-server`: the reference operator of netid, a sandbox that behaves like the mobile operators
//! the toolkit talks to, on loopback, with no operator account.
//!
//! It serves, on one HTTP listener (`127.0.0.1:0` by default):
//!
//! - an **OpenID Provider**: discovery (`/.well-known/openid-configuration`), `/jwks`, CIBA poll
//!   mode (`/bc-authorize`, `/token` with `urn:openid:params:grant-type:ciba`), the authorization
//!   endpoint (`/authorize`, code flow with `prompt=none` over the simulated mobile network, PKCE
//!   S256), and `client_credentials` for two-legged tokens. Clients authenticate with
//!   `private_key_jwt` only, checked against each registered client's JWK Set the way panva's
//!   oidc-provider does (`iss` = `sub` = client id; `aud` the issuer, the token endpoint or the
//!   endpoint called; `exp` and a single-use `jti` required). ID tokens are ES256-signed and their
//!   `sub` is a pairwise identifier, never the phone number;
//! - the **CAMARA APIs** at the operators' paths and the CAMARA ones: KYC Match v0.2 (Orange
//!   France, `/camara/ofr/kyc-match/v0.2/match`, string results) and v0.4 (`/kyc-match/v0.4/match`),
//!   computed by the [`netid_core::kyc::Matcher`]; SIM Swap v1 (`/camara/oes/sim-swap/v1/…`, Orange
//!   Spain) and v2 (`/sim-swap/v2/…`): `check` and `retrieve-date`; Number Verification v2
//!   (`/number-verification/v2/verify`, plain or hashed, and `/device-phone-number`); Device Swap v1
//!   (`/device-swap/v1/…`: `check`, `retrieve-date`), Number Recycling v0.2
//!   (`/number-recycling/v0.2/check`) and KYC Tenure v0.2 (`/kyc-tenure/v0.2/check-tenure`), from
//!   each subscriber's line (device changes, contract start and type). Each checks the
//!   bearer token (401 `UNAUTHENTICATED`), its scope (403 `PERMISSION_DENIED`) and the identifier
//!   rules of its spec version (403 `INVALID_TOKEN_CONTEXT`, 422 `UNNECESSARY_IDENTIFIER`,
//!   `MISSING_IDENTIFIER`, `UNIDENTIFIABLE_PHONE_NUMBER`), and echoes `x-correlator`;
//! - a **SAML 2.0 IdP** in the style of the Orange Authentication API: `/saml/sso` takes an
//!   `AuthnRequest` by HTTP-Redirect and answers with an auto-submitting POST form carrying a
//!   `Response` whose `Assertion` is signed (enveloped XML-DSig, RSA-SHA256, made by `bergshamra`),
//!   with a persistent (pairwise) or transient `NameID`, the `OrangeAPIToken` attribute and the
//!   profile attributes; `/saml/metadata` publishes the IdP metadata, signed, with `validUntil` and
//!   `cacheDuration` (two signing certificates in key rollover mode,
//!   [`ServerConfig::with_saml_key_rollover`]); `/saml/slo` and `/saml/slo/initiate` do Single
//!   Logout both ways (HTTP-Redirect and HTTP-POST);
//! - **fault injection** per path: latency, forced statuses, 429 with `Retry-After`, malformed
//!   bodies ([`Fault`]), echoing the `x-correlator` as the handler of the path would;
//! - an **index** at `GET /`: endpoints, every API base URL per client profile ([`api_mounts`]),
//!   registered parties and subscribers (numbers masked), as JSON or, for a browser, HTML;
//! - the **Telco Finder** and routing table (`/telco-finder/v1/search`, `/telco-routing/v1/routing`,
//!   [`TelcoRoute`]);
//! - optionally **other operators** ([`HostedOperator`], [`ServerConfig::with_operator`]), each the
//!   whole of the above under `/operators/{id}` with its own issuer, keys, subscribers and tokens,
//!   which the Telco Finder routes numbers to, so "resolve, then call the right operator" runs on
//!   one machine.
//!
//! The whole configuration can also come from one TOML document ([`SandboxConfig`],
//! [`ServerConfig::from_toml_str`]): subscribers, clients (PEM public key, JWK Set, or a loopback
//! JWKS URL fetched at start), SAML service providers, faults, CIBA timings, token lifetimes,
//! Telco Finder routes and hosted operators. Each
//! request is logged through `tracing` (method, route, status, latency, `x-correlator`).
//!
//! Subscribers come from a TOML or JSON document ([`SubscriberStore`]); the default set ships in
//! `data/subscribers.toml` (French, Spanish, Dutch and Japanese KYC records, SIM change histories,
//! opt-outs, scripted CIBA behaviours: approve after N seconds, deny, never answer, slow down).
//!
//! It **never** binds a non-loopback address unless [`ServerConfig::insecure_allow_non_loopback`]
//! is set, never reads files or the environment (the CLI passes documents as text), never speaks
//! TLS, and does not depend on netid's client crates: it implements the wire formats of the specs,
//! so the clients can be tested against it. State is in memory and lost at shutdown, unless the
//! `redis` feature's `ServerConfig::with_redis_state` keeps it in Redis, where several processes
//! with the same issuer and signing key ([`ServerConfig::with_issuer`],
//! [`ServerConfig::with_signing_key_pem`]) share it and act as one operator. There is no
//! login page: the subscriber of `prompt=none` and of SAML single sign-on is whoever the simulated
//! mobile network sees ([`ServerConfig::with_network_subscriber`]).
//!
//! # Example
//!
//! ```
//! use netid_server::{Server, ServerConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::start(ServerConfig::demo()).await?;
//! assert!(server.base_url().as_str().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.issuer(), server.base_url().as_str().trim_end_matches('/'));
//! let demo = server.demo_client().expect("registered by default");
//! assert_eq!(demo.client_id(), "netid-demo-client");
//! // Sign client assertions with `demo.expose_private_key_pem()` (ES256, kid `demo.key_id()`).
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Design
//!
//! Handlers are thin: the operator's state (pending CIBA requests keyed by `auth_req_id`, codes,
//! tokens, used `jti`s) lives behind an async store (memory, or Redis with the `redis` feature;
//! a store failure answers 503, never a success) and every operation takes `now` from the configured
//! [`Clock`](netid_core::ports::Clock), so tests drive time with `ManualClock`; ids, tokens and keys
//! come from the configured [`SecureRandom`](netid_core::ports::SecureRandom). Keys (the server's
//! ES256 signing key and the demo client's key) are generated at start, or read from and derived
//! from a configured signing key. The committed keys are
//! the SAML IdP's RSA test keys (`data/saml/idp-test.key`, `idp-test-next.key` for the key
//! rollover, `metadata-test.key` for the metadata; public by design): an X.509 certificate is
//! what SAML service providers trust, and generating one at start would need a certificate crate
//! and a second crypto backend. JWT signing and verification use `jsonwebtoken` (backend
//! `aws_lc_rs`), keys, encryption and query signatures `aws-lc-rs`; XML signing `bergshamra` (its AWS-LC
//! provider); `AuthnRequest` parsing `quick-xml`. Form
//! and redirect handling is hand-written over `url::form_urlencoded` because OAuth needs rules
//! (repeated parameters refused, errors as OAuth JSON) that a generic extractor does not give.
//!
//! # Security
//!
//! A sandbox: plain HTTP, made-up identities, keys in memory. The demo client's private key is
//! reachable through [`DemoClient::expose_private_key_pem`] by design, and the SAML IdP's key is
//! public: never trust the sandbox's certificate or keys outside tests and demos. Logs carry
//! addresses and client ids only.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod camara;
mod config;
mod error;
mod faults;
#[doc(hidden)]
pub mod fuzzing;
mod hosted;
mod index;
mod jwks_fetch;
mod keys;
mod mounts;
mod oauth;
mod registration;
mod request_log;
mod saml;
pub mod sandbox_config;
mod server;
mod state;
pub mod subscribers;
mod telco_finder;

pub use config::{
    AccessTokenFormat, DEMO_CLIENT_ID, DEMO_REDIRECT_URIS, DEMO_SAML_ACS_URLS, DEMO_SAML_SP_ENTITY_ID, Fault,
    FaultKind, ServerConfig,
};
pub use error::ServerError;
pub use hosted::{HostedOperator, HostedOperatorError, HostedOperatorInfo};
pub use keys::DemoClient;
pub use mounts::{ApiMount, api_mounts};
pub use registration::{
    ClientRegistration, SamlAttributeNameFormat, SamlDataEncryption, SamlEncryption, SamlKeyTransport,
    SamlServiceProvider, SamlSigning,
};
pub use sandbox_config::{SandboxConfig, SandboxConfigError};
pub use server::{Server, ServerHandle};
pub use subscribers::{CibaBehaviour, Subscriber, SubscriberFileError, SubscriberStore};
pub use telco_finder::{SANDBOX_OPERATOR_ID, TELCO_FINDER_SCOPE, TelcoRoute, TelcoRouteError};
