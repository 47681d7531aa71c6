//! OpenID Connect CIBA (poll mode) with `private_key_jwt`, plus the authorization-code (`prompt=none`)
//! and JWT-bearer grants that CAMARA Number Verification allows: the token side of the netid toolkit.
//!
//! What it does:
//! - signs `private_key_jwt` client assertions (RS256, PS256, ES256; keys from PEM, JWK, or any
//!   [`jose::Signer`], so an HSM or KMS can hold the key) with a fresh `jti` per request;
//! - runs CIBA poll mode as a sans-I/O [`ciba::CibaSession`]: it honours `interval` (5 s when
//!   absent), `slow_down` (+5 s for good) and `expires_in`, and types every documented error;
//! - validates ID tokens (JWKS signature with an algorithm allow-list, `iss`, `aud`, `azp`,
//!   `exp`/`iat` with skew, `nonce`, CIBA's `auth_req_id` claim);
//! - decodes discovery documents (with the CIBA `backchannel_*` metadata) and JWKS ([`provider`]),
//!   or takes explicit endpoints for operators that publish no discovery document (Orange);
//! - builds the `prompt=none` authorization-code flow with PKCE S256, `state` and `nonce`
//!   ([`code_flow`]), and the one-shot code, refresh and JWT-bearer (`operatortoken:`/`tel:`
//!   subject) token requests ([`grant`]).
//!
//! What it never does: network or file I/O, clock reads, sleeping or drawing randomness in the
//! sessions; `now`, random bytes and HTTP answers are arguments. The optional `driver` module is the
//! only async code and runs the sessions over the `netid-transport` ports. It never sends `none` or
//! HMAC-signed JWTs and never accepts them in ID tokens.
//!
//! Hand-written parts, and why: the CIBA grant, `private_key_jwt` and the JWS assembly of client
//! assertions exist in neither `openidconnect` nor `oauth2`; the signature itself comes from
//! `jsonwebtoken` (aws-lc backend) or the caller's [`jose::Signer`]. Discovery documents, JWK Sets
//! and the ID-token checks are hand-written too, though `openidconnect` has them: it verifies with
//! RustCrypto (`rsa` 0.9 with the Marvin advisory RUSTSEC-2023-0071, `p256`, `ed25519-dalek`,
//! `hmac`), a second crypto stack beside aws-lc, the workspace's one provider (issue 15). They keep
//! its rules and check order: its verdicts on 1,600-odd tokens and 70 discovery documents were
//! recorded before the switch and are pinned by snapshots.
//!
//! # Example
//!
//! A whole CIBA flow on a manual clock with canned answers:
//!
//! ```
//! use std::sync::Arc;
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! use bytes::Bytes;
//! use netid_ciba::ciba::{BackchannelRequest, CibaSession, RequestEntropy};
//! use netid_ciba::client::ClientConfig;
//! use netid_ciba::jose::{KeyOptions, KeySigner, Signer as _, SigningAlgorithm};
//! use netid_ciba::provider::{CibaProvider, IdTokenPolicy, ProviderConfig};
//! use netid_core::login_hint::LoginHint;
//! use netid_core::scope::{ApiScope, Purpose, Scope};
//!
//! # let pem = include_str!("../tests/fixtures/keys/ec.pem");
//! // PEM or JWK; the key says it is P-256, so it signs ES256.
//! let signer = KeySigner::from_text(pem, KeyOptions::new().with_key_id("key-1"))?;
//! assert_eq!(signer.algorithm(), SigningAlgorithm::Es256);
//! let client = Arc::new(ClientConfig::new("my-client", Arc::new(signer)));
//! // The Orange Spain page documents endpoints, no discovery, and no id_token in token responses.
//! let config = ProviderConfig::new("https://api.orange.com/es/openapi/oauth/v2", "https://api.orange.com/es/openapi/oauth/v2/token")?
//!     .with_id_token_policy(IdTokenPolicy::Optional);
//! let provider = CibaProvider::new(config, "https://api.orange.com/es/openapi/oauth/v2/bc-authorize")?;
//! let scope = Scope::builder(Purpose::FraudPreventionAndDetection).api(ApiScope::SimSwap).build();
//! let hint: LoginHint = "tel:+34654654654".parse()?;
//! let mut session = CibaSession::new(client, provider, BackchannelRequest::new(scope, hint));
//!
//! let t0 = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
//! let answer = |status: u16, body: &'static str| http::Response::builder().status(status).body(Bytes::from_static(body.as_bytes()));
//! let request = session.poll_request(t0, RequestEntropy::from_bytes([1; 32]))?.expect("backchannel request");
//! assert_eq!(request.uri(), "https://api.orange.com/es/openapi/oauth/v2/bc-authorize");
//! session.handle_response(t0, answer(200, r#"{"auth_req_id":"abc","expires_in":120,"interval":2}"#)?)?;
//! assert_eq!(session.poll_timeout(), Some(t0 + Duration::from_secs(2)));
//!
//! let t1 = t0 + Duration::from_secs(2);
//! session.poll_request(t1, RequestEntropy::from_bytes([2; 32]))?.expect("token request");
//! session.handle_response(t1, answer(200, r#"{"access_token":"at","token_type":"Bearer","expires_in":119}"#)?)?;
//! let tokens = session.poll_outcome().expect("finished")?;
//! assert_eq!(tokens.access_token.expose_secret(), "at");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `driver` (default): `driver`, the async loop over `HttpTransport`, `Clock`, `Sleep` and
//!   `SecureRandom`, with progress reports, cancellation, discovery with JWKS fetch, and a token
//!   cache keyed by subject and scope (refresh-token reuse, single-flight CIBA flows).
//!
//! # Security
//!
//! Tokens, `auth_req_id`s, assertions and keys print `[redacted]` in `Debug`; subjects are
//! [`netid_core::secret::Pii`]. Decoding errors print the body's length, never the body.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod ciba;
pub mod client;
pub mod code_flow;
#[cfg(feature = "driver")]
#[cfg_attr(docsrs, doc(cfg(feature = "driver")))]
pub mod driver;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod grant;
pub mod jose;
pub mod provider;
pub mod tokens;
mod wire;

#[cfg(test)]
mod testkit;

pub use error::Error;
