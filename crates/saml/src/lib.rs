//! SAML 2.0 Service Provider for the netid toolkit (the Orange Authentication API and any SAML
//! 2.0 IdP): build `AuthnRequest`s for the HTTP-Redirect binding, verify `Response`s received
//! over HTTP-POST or HTTP-Redirect, take part in Single Logout (build, sign and verify
//! `LogoutRequest`s and `LogoutResponse`s, see [`LogoutVerifier`]), write SP metadata and read IdP
//! metadata.
//!
//! What it never does: I/O, reading a clock, drawing randomness on its own, trusting a key sent
//! inside a message (`KeyInfo`), accepting an unsigned message, accepting SHA-1 unless told with
//! an `insecure_*` setter, or expanding a DTD. Verification is a pure function of (bytes,
//! expectations, `now`), plus the two state ports ([`RequestStore`], [`ReplayCache`]) it is
//! handed.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//!
//! use netid_core::test_util::SeededRandom;
//! use netid_saml::{
//!     AuthnRequestBuilder, Check, IdentityProvider, IdpCertificate, InMemoryReplayCache,
//!     InMemoryRequestStore, NameIdFormat, NameIdPolicy, ResponseVerifier, ServiceProvider,
//! };
//!
//! # fn main() -> Result<(), netid_saml::Error> {
//! let sp = ServiceProvider::new("https://sp.example", "https://sp.example/acs");
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
//!
//! // 1. Send the user to the IdP, remembering the request ID.
//! let requests = InMemoryRequestStore::new();
//! let request = AuthnRequestBuilder::new(&sp, "https://idp.example/sso")
//!     .name_id_policy(Some(NameIdPolicy::new(NameIdFormat::Persistent, true)))
//!     .build(now, &SeededRandom::new(7))?;
//! request.record(&requests, Duration::from_secs(600))?;
//! let url = request.redirect_url(Some("state-1"))?;
//! assert!(url.starts_with("https://idp.example/sso?SAMLRequest="));
//!
//! // 2. Verify what comes back on the ACS URL.
//! let pem = include_bytes!("../tests/fixtures/keys/idp.crt");
//! let idp = IdentityProvider::new("https://idp.example", vec![IdpCertificate::from_pem(pem)?]);
//! let verifier = ResponseVerifier::new(idp, sp).clock_skew(Duration::from_secs(30));
//! let replay = InMemoryReplayCache::new();
//! let forged = "<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>";
//! let err = verifier.verify_xml(forged.as_bytes(), now, &requests, &replay).unwrap_err();
//! assert_eq!(err.check(), Some(Check::Schema));
//! # Ok(())
//! # }
//! ```
//!
//! # Several SP instances
//!
//! Behind a load balancer, a Response may reach another instance than the one that sent the
//! AuthnRequest, and a replayed Response may be posted to every instance. The synchronous
//! `verify_*` methods take stores of one process; for shared stores (the `netid-redis` crate), use
//! [`AuthnRequest::record_async`] and the `check_*` methods, which return an
//! [`UnconsumedAssertion`]: a value that yields the assertion only through
//! [`UnconsumedAssertion::consume`], after the replay check and the consumption of the outstanding
//! request both succeeded on the shared [`AsyncReplayCache`] and [`AsyncRequestStore`]. A store
//! that cannot be reached gives [`Error::Store`], a refusal: nothing is accepted unchecked.
//!
//! ```
//! # use std::time::{Duration, SystemTime};
//! # use netid_saml::{IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore,
//! #     ResponseVerifier, ServiceProvider, Check};
//! # async fn acs(verifier: &ResponseVerifier, form_value: &[u8]) -> Result<(), netid_saml::Error> {
//! // Any `AsyncReplayCache` / `AsyncRequestStore`: here the in-memory ones.
//! let (replay, requests) = (InMemoryReplayCache::new(), InMemoryRequestStore::new());
//! let unconsumed = verifier.check_post(form_value, SystemTime::now())?;
//! let assertion = unconsumed.consume(&replay, &requests).await?;
//! # let _ = assertion;
//! # Ok(())
//! # }
//! ```
//!
//! # Security notes
//!
//! * Signatures are checked against the configured certificates only, and only in the shape the
//!   SAML profile allows: an allow-list of algorithms, one `SignedInfo` with one `Reference` whose
//!   URI is `#` + the ID of the signature's parent, enveloped-signature and exc-c14n transforms
//!   only, no `ds:Object`, signatures only on the Response or the single Assertion, unique IDs,
//!   exactly one Assertion. Within that shape this crate computes the digest and checks the
//!   signature value itself (`signature/check.rs`, RSA on AWS-LC with keys parsed once), over its
//!   own exclusive C14N (`signature/c14n.rs`), instead of calling
//!   [bergshamra](https://crates.io/crates/bergshamra)'s general XML-DSig verifier: that verifier's
//!   URI resolution, transform pipeline, node sets and key ranking were two thirds of the non-RSA
//!   cost of a Response (41 µs in all; about 27 µs now, BENCHMARKS.md), and the profile has no use for
//!   them. The C14N reproduces bergshamra's byte for byte, which a property test and the
//!   `saml_c14n` fuzz target check against it; bergshamra still supplies key loading, C14N
//!   escaping and attribute order, inclusive C14N and ECDSA verification.
//! * The document is parsed once (by `uppsala`, with DTDs forbidden and a depth cap) and
//!   every value is read from that tree; text values concatenate every text node and ignore
//!   comments, so comment injection cannot truncate a NameID.
//! * The profile checks are written by hand (a few hundred lines) because no
//!   maintained pure-Rust SAML SP exists: `samael` needs libxmlsec1 and accepts an unsigned
//!   Response when the IdP metadata has no key.
//! * Encrypted assertions, NameIDs (`EncryptedID`) and attributes (`EncryptedAttribute`, at most
//!   [`MAX_ENCRYPTED_ATTRIBUTES`]) are decrypted with the SP's own keys only ([`DecryptionKey`],
//!   several during a rollover) through one code path, then checked exactly as plain ones: the
//!   plaintext is parsed once, with DTDs forbidden, and must be the one element its wrapper allows. Every decryption failure is one indistinguishable
//!   [`Check::Decryption`] (no padding oracle); RSA PKCS#1 v1.5 key transport needs an
//!   `insecure_*` opt-in. AWS-LC (`aws-lc-rs`) does the cryptography rather than bergshamra's XML Encryption
//!   module (no allow-list, a second parse, distinguishable failures: see the `decrypt` module).
//! * Errors name the failed [`Check`] and never contain personal data; NameID and attribute
//!   values are wrapped in [`Pii`](netid_core::secret::Pii), the `OrangeAPIToken` in
//!   [`Secret`](netid_core::secret::Secret).
//!
//! # Features
//!
//! * `legacy-rsa` (off): RustCrypto's `rsa` 0.10 for the two RSA operations AWS-LC's Rust API
//!   lacks, RSA-OAEP key transport whose digest and MGF1 hashes differ (an IdP sending a SHA-256
//!   digest with `rsa-oaep-mgf1p`) and RSA-SHA1 request signing
//!   ([`SoftwareSigner::insecure_rsa_sha1_from_pem`]). Without it every signature, digest and
//!   decryption runs on AWS-LC alone, and both are refused with an error naming the feature.
//! * `fuzzing` (off): the `arbitrary` grammar of the `saml_response_signed` fuzz target.
//!
//! # Standards
//!
//! SAML 2.0 Core (AuthnRequest, Response, Assertion, LogoutRequest, LogoutResponse), Bindings
//! (HTTP-Redirect with DEFLATE and query-string signatures, HTTP-POST), Profiles (Web Browser SSO,
//! bearer confirmation, Single Logout), Metadata (EntityDescriptor, EntitiesDescriptor, signed
//! metadata with `validUntil` and `cacheDuration`), XML Encryption 1.1 for `EncryptedAssertion`,
//! `EncryptedID` and `EncryptedAttribute` (RSA-OAEP key transport, AES-GCM and AES-CBC data). Not
//! supported: Artifact and SOAP bindings, signatures on the entities inside a metadata aggregate
//! (only the root's signature is accepted), an `EncryptedID` in the SP's own LogoutRequests
//! (received ones are decrypted), `BaseID`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod authn_request;
mod config;
mod decrypt;
mod error;
#[doc(hidden)]
pub mod fuzzing;
#[cfg(feature = "legacy-rsa")]
mod legacy_rsa;
mod logout;
mod metadata;
mod orange;
mod outgoing;
mod pkcs1;
mod redirect;
mod response;
mod signature;
mod store;
mod xml;

pub use authn_request::{
    AuthnRequest, AuthnRequestBuilder, Binding, NameIdFormat, NameIdPolicy, RedirectSigner, SoftwareSigner,
};
pub use config::{IdentityProvider, IdpCertificate, ServiceProvider};
pub use decrypt::DecryptionKey;
pub use error::{Check, Error};
pub use logout::{
    DEFAULT_LOGOUT_LIFETIME, LogoutRequest, LogoutRequestBuilder, LogoutResponse, LogoutResponseBuilder,
    LogoutSession, LogoutStatus, LogoutVerifier, Received, UnconsumedLogout, VerifiedLogout,
    VerifiedLogoutRequest, VerifiedLogoutResponse,
};
pub use metadata::{
    DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_METADATA_CACHE, MetadataTrust, SpMetadata, VerifiedMetadata,
    parse_idp_metadata, verify_idp_metadata,
};
pub use orange::OrangeProfile;
pub use response::{
    DEFAULT_CLOCK_SKEW, DEFAULT_MAX_MESSAGE_BYTES, MAX_ENCRYPTED_ATTRIBUTES, NameId, ResponseVerifier,
    UnconsumedAssertion, VerifiedAssertion,
};
pub use signature::SignatureAlgorithm;
pub use store::shared::{AsyncReplayCache, AsyncRequestStore, StoreError};
pub use store::{
    DEFAULT_CAPACITY, InMemoryReplayCache, InMemoryRequestStore, ReplayCache, ReplayVerdict, RequestStore,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync + std::fmt::Debug>() {}

    #[test]
    fn shareable_across_threads() {
        send_sync::<ResponseVerifier>();
        send_sync::<InMemoryRequestStore>();
        send_sync::<InMemoryReplayCache>();
        send_sync::<SoftwareSigner>();
        send_sync::<Error>();
        send_sync::<VerifiedAssertion>();
        send_sync::<DecryptionKey>();
        send_sync::<UnconsumedAssertion>();
        send_sync::<LogoutVerifier>();
        send_sync::<UnconsumedLogout>();
    }
}
