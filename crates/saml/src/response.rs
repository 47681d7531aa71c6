//! Consuming a `samlp:Response`: the verifier and its policy (this file), the Response-level
//! pipeline of structure, signature and decryption (`envelope`), the Assertion's protocol checks
//! (`assertion`), what it says once verified (`content`), and the schema checks (`structure`).

mod assertion;
mod content;
mod envelope;
pub(crate) mod structure;
mod unconsumed;

use std::fmt;
use std::time::{Duration, SystemTime};

pub use self::content::{NameId, VerifiedAssertion};
pub(crate) use self::structure::{check_unique_ids, decode_base64};
pub use self::unconsumed::UnconsumedAssertion;
use crate::config::{IdentityProvider, ServiceProvider};
use crate::decrypt::DecryptionKey;
use crate::error::{Check, Error, reject};
use crate::signature::TrustedKeys;
use crate::store::{ReplayCache, RequestStore};

/// Default clock skew tolerated on every time comparison.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(60);
/// Most `EncryptedAttribute` elements decrypted from one Assertion.
pub const MAX_ENCRYPTED_ATTRIBUTES: usize = 32;
/// Default cap on the size of a decoded (or inflated) message.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// Verifies SAML Responses for one SP and one IdP: a pure function of (bytes, expectations, now).
///
/// Configure it once with explicit policy setters (as openidconnect's `IdTokenVerifier`); every
/// weakening is named `insecure_*`. It reads no clock and does no I/O: `now` and the two state
/// ports are arguments. The document is parsed once; every value returned is read from that same
/// tree, from the exact Assertion element the verified signature covers.
///
/// Checks, in order (the first failure is returned, naming its [`Check`]): size and encoding; XML
/// without DTD and within depth; root `samlp:Response` version 2.0; Status Success; unique IDs;
/// exactly one Assertion, a child of the Response; the XML-Signature profile with the configured
/// certificates only (see [`SignatureAlgorithm`](crate::SignatureAlgorithm)); Destination;
/// Issuers (the Assertion's is required; the Response's is optional, as SAML Core §3.2.2 and
/// Profiles §4.1.4.2 allow, and a Response without one is accepted; every Issuer present must be
/// the IdP's entity ID, with no Format or the entity Format); a bearer SubjectConfirmationData
/// (Recipient, NotBefore, NotOnOrAfter, InResponseTo); Conditions; every AudienceRestriction;
/// replay; the outstanding request (consumed last).
pub struct ResponseVerifier {
    idp: IdentityProvider,
    sp: ServiceProvider,
    keys: TrustedKeys,
    clock_skew: Duration,
    insecure_allow_unsolicited: bool,
    want_assertions_signed: bool,
    insecure_allow_sha1: bool,
    max_message_bytes: usize,
    decryption_keys: Vec<DecryptionKey>,
    insecure_allow_rsa_pkcs1v15: bool,
}

impl fmt::Debug for ResponseVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            idp,
            sp,
            keys: _,
            clock_skew,
            insecure_allow_unsolicited,
            want_assertions_signed,
            insecure_allow_sha1,
            max_message_bytes,
            decryption_keys,
            insecure_allow_rsa_pkcs1v15,
        } = self;
        f.debug_struct("ResponseVerifier")
            .field("idp", idp)
            .field("sp", sp)
            .field("clock_skew", clock_skew)
            .field("insecure_allow_unsolicited", insecure_allow_unsolicited)
            .field("want_assertions_signed", want_assertions_signed)
            .field("insecure_allow_sha1", insecure_allow_sha1)
            .field("max_message_bytes", max_message_bytes)
            .field("decryption_key_count", &decryption_keys.len())
            .field("insecure_allow_rsa_pkcs1v15", insecure_allow_rsa_pkcs1v15)
            .finish()
    }
}

impl ResponseVerifier {
    /// A verifier with the secure defaults: 60 s clock skew, solicited responses only, Response or
    /// Assertion signature required, SHA-1 refused, 256 KiB message cap.
    pub fn new(idp: IdentityProvider, sp: ServiceProvider) -> Self {
        let keys = TrustedKeys::new(idp.certificates.iter().map(|cert| &cert.key));
        Self {
            idp,
            sp,
            keys,
            clock_skew: DEFAULT_CLOCK_SKEW,
            insecure_allow_unsolicited: false,
            want_assertions_signed: false,
            insecure_allow_sha1: false,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            decryption_keys: Vec::new(),
            insecure_allow_rsa_pkcs1v15: false,
        }
    }

    /// Sets the tolerated clock skew (default 60 s).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Accepts IdP-initiated (unsolicited) responses with no InResponseTo (default: refused).
    ///
    /// A response naming an unknown request is refused either way.
    ///
    /// # Security
    ///
    /// Nothing then ties a response to a sign-in this SP started: an assertion captured elsewhere
    /// and posted to the ACS URL (login CSRF) is accepted while it is valid and unreplayed. Enable
    /// only for an IdP that starts sign-ins itself.
    #[must_use]
    pub fn insecure_allow_unsolicited(mut self, allow: bool) -> Self {
        self.insecure_allow_unsolicited = allow;
        self
    }

    /// Requires the Assertion itself to be signed, not only the Response (default: either).
    #[must_use]
    pub fn want_assertions_signed(mut self, want: bool) -> Self {
        self.want_assertions_signed = want;
        self
    }

    /// Accepts RSA-SHA1 signatures and SHA-1 digests (default: refused).
    ///
    /// # Security
    ///
    /// SHA-1 is broken for signatures; enable only for an IdP that cannot do better (the Orange
    /// page's sample verifies `rsa-sha1`).
    #[must_use]
    pub fn insecure_allow_sha1(mut self, allow: bool) -> Self {
        self.insecure_allow_sha1 = allow;
        self
    }

    /// Sets the cap on a decoded or inflated message (default 256 KiB); the ciphertext of an
    /// EncryptedAssertion, and so its plaintext, is held to the same cap.
    #[must_use]
    pub fn max_message_bytes(mut self, max: usize) -> Self {
        self.max_message_bytes = max;
        self
    }

    /// Adds an SP key that decrypts `EncryptedAssertion`, `EncryptedID` and `EncryptedAttribute`
    /// elements; call again to add more (a key rollover: every key is tried on every message).
    /// Without one, an encrypted element is rejected.
    ///
    /// Accepted: key transport RSA-OAEP (`rsa-oaep-mgf1p`; `xmlenc11#rsa-oaep` with SHA-1 or
    /// SHA-256 digest and MGF1), data AES-128/192/256-GCM and AES-128/256-CBC. The decrypted
    /// Assertion goes through every check a plain one does; a Response signature verified over
    /// the EncryptedAssertion counts as covering it.
    #[must_use]
    pub fn decryption_key(mut self, key: DecryptionKey) -> Self {
        self.decryption_keys.push(key);
        self
    }

    /// Accepts RSA PKCS#1 v1.5 (`xmlenc#rsa-1_5`) key transport (default: refused).
    ///
    /// # Security
    ///
    /// PKCS#1 v1.5 encryption is open to Bleichenbacher's adaptive chosen-ciphertext attack, which
    /// recovers session keys from any observable difference in how failures are handled. Enable
    /// only for an IdP that cannot do RSA-OAEP.
    #[must_use]
    pub fn insecure_allow_rsa_pkcs1v15(mut self, allow: bool) -> Self {
        self.insecure_allow_rsa_pkcs1v15 = allow;
        self
    }

    /// The configured SP.
    pub fn service_provider(&self) -> &ServiceProvider {
        &self.sp
    }

    /// The configured IdP.
    pub fn identity_provider(&self) -> &IdentityProvider {
        &self.idp
    }

    pub(crate) fn allows_sha1(&self) -> bool {
        self.insecure_allow_sha1
    }

    pub(crate) fn keys(&self) -> &TrustedKeys {
        &self.keys
    }

    pub(crate) fn max_bytes(&self) -> usize {
        self.max_message_bytes
    }

    pub(crate) fn skew(&self) -> Duration {
        self.clock_skew
    }

    /// Verifies the value of an HTTP-POST `SAMLResponse` form field (Base64, already
    /// form-decoded; line breaks allowed).
    ///
    /// On success the assertion ID is recorded in `replay` and the request it answers is removed
    /// from `requests`.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn verify_post(
        &self,
        saml_response: &[u8],
        now: SystemTime,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedAssertion, Error> {
        self.check_post(saml_response, now)?
            .consume_sync(requests, replay)
    }

    /// Runs every check of [`verify_post`](Self::verify_post) that needs no state, leaving the
    /// replay check and the outstanding request to [`UnconsumedAssertion::consume`].
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn check_post(&self, saml_response: &[u8], now: SystemTime) -> Result<UnconsumedAssertion, Error> {
        let xml = decode_base64(saml_response, self.max_message_bytes)?;
        self.check_xml(&xml, now)
    }

    /// Verifies a Response given as raw XML bytes (already Base64-decoded).
    ///
    /// # Errors
    ///
    /// As [`verify_post`](Self::verify_post).
    pub fn verify_xml(
        &self,
        xml: &[u8],
        now: SystemTime,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedAssertion, Error> {
        self.check_xml(xml, now)?.consume_sync(requests, replay)
    }

    /// [`check_post`](Self::check_post) for a Response given as raw XML bytes.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn check_xml(&self, xml: &[u8], now: SystemTime) -> Result<UnconsumedAssertion, Error> {
        if xml.len() > self.max_message_bytes {
            return reject(
                Check::Size,
                format!("message exceeds {} bytes", self.max_message_bytes),
            );
        }
        let text =
            std::str::from_utf8(xml).map_err(|_| Error::reject(Check::Encoding, "message is not UTF-8"))?;
        self.check(text, false, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_capped_and_tolerates_line_breaks() {
        assert_eq!(decode_base64(b"PGEv\r\nPg==", 10).unwrap(), b"<a/>");
        assert_eq!(
            decode_base64(b"PGEvPg==", 3).unwrap_err().check(),
            Some(Check::Size)
        );
        assert_eq!(
            decode_base64(&[b'A'; 100], 10).unwrap_err().check(),
            Some(Check::Size)
        );
        assert_eq!(
            decode_base64(b"P*", 10).unwrap_err().check(),
            Some(Check::Encoding)
        );
    }

    #[test]
    fn verifier_debug_shows_policy_not_keys() {
        let v = ResponseVerifier::new(
            IdentityProvider::new("https://idp.example", vec![]),
            ServiceProvider::new("https://sp.example", "https://sp.example/acs"),
        )
        .insecure_allow_sha1(true);
        let debug = format!("{v:?}");
        assert!(debug.contains("insecure_allow_sha1: true"), "{debug}");
        assert!(!debug.contains("keys"), "{debug}");
    }
}
