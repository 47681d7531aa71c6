//! Consuming a `samlp:Response`: the signature profile, then the protocol checks.

mod assertion;
mod structure;
mod unconsumed;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use bergshamra::KeysManager;
use netid_core::secret::Pii;
use uppsala::{Document, NodeId};

pub(crate) use self::structure::decode_base64;
use self::structure::{
    ASSERTION_CHILDREN, Payload, RESPONSE_CHILDREN, check_status, check_unique_ids, only_children,
    require_version, required_attr, single_assertion,
};
use crate::config::{IdentityProvider, ServiceProvider};
use crate::decrypt::{self, Decrypted, DecryptionKey, Encrypted};
use crate::error::{Check, Error, reject};
use crate::signature::{self, Signed, short};
use crate::store::{ReplayCache, RequestStore};
use crate::xml::{self, NS_SAML, NS_SAMLP};

pub use assertion::{NameId, VerifiedAssertion};
pub use unconsumed::UnconsumedAssertion;
const CM_BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const ENTITY_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

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
    keys: KeysManager,
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
        let mut keys = KeysManager::new();
        for cert in &idp.certificates {
            keys.add_key(cert.key.clone());
        }
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

    pub(crate) fn keys(&self) -> &KeysManager {
        &self.keys
    }

    pub(crate) fn max_bytes(&self) -> usize {
        self.max_message_bytes
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

    /// The shared consumer with the synchronous stores.
    pub(crate) fn consume(
        &self,
        text: &str,
        binding_signed: bool,
        now: SystemTime,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedAssertion, Error> {
        self.check(text, binding_signed, now)?
            .consume_sync(requests, replay)
    }

    /// Every check that needs no state. `binding_signed` is true when the HTTP-Redirect query
    /// signature already authenticated the whole message.
    pub(crate) fn check(
        &self,
        text: &str,
        binding_signed: bool,
        now: SystemTime,
    ) -> Result<UnconsumedAssertion, Error> {
        let doc = xml::parse(text)?;
        let root = doc
            .document_element()
            .ok_or_else(|| Error::reject(Check::Schema, "empty document"))?;
        if !xml::is(&doc, root, NS_SAMLP, "Response") {
            return reject(Check::Schema, "the root element is not samlp:Response");
        }
        require_version(&doc, root, "Response")?;
        required_attr(&doc, root, "ID", "Response")?;
        xml::parse_instant(
            required_attr(&doc, root, "IssueInstant", "Response")?,
            "IssueInstant",
        )?;
        check_status(&doc, root)?;
        check_unique_ids(&[&doc])?;
        let payload = single_assertion(&doc, root)?;
        only_children(&doc, root, "Response", RESPONSE_CHILDREN)?;
        let response_irt = xml::attr(&doc, root, "InResponseTo");
        let assertion = match payload {
            Payload::Plain(a) => a,
            Payload::Encrypted(ea) => {
                // The Response signature is checked before anything is decrypted: when it covers
                // the EncryptedAssertion, a tampered ciphertext never reaches the decryptor.
                let outer = signature::verify(
                    &doc,
                    text,
                    root,
                    Some(root),
                    None,
                    &self.keys,
                    self.insecure_allow_sha1,
                )?;
                let decrypted = self.decrypt(&doc, ea, Encrypted::Assertion)?;
                let (inner, a) = decrypted.parse()?;
                check_unique_ids(&[&doc, &inner])?;
                let wrapper = inner.document_element().unwrap_or(a);
                if single_assertion(&inner, wrapper)? != Payload::Plain(a) {
                    return reject(
                        Check::AssertionCount,
                        "the decrypted content is not one Assertion",
                    );
                }
                only_children(&inner, a, "Assertion", ASSERTION_CHILDREN)?;
                let inner_signed = signature::verify(
                    &inner,
                    decrypted.text(),
                    wrapper,
                    None,
                    Some(a),
                    &self.keys,
                    self.insecure_allow_sha1,
                )?;
                let signed = Signed {
                    response: outer.response,
                    assertion: inner_signed.assertion,
                };
                self.check_signed(signed, binding_signed)?;
                self.check_envelope(&doc, root, signed, binding_signed)?;
                return self.assertion(&inner, response_irt, a, signed, now);
            }
        };
        only_children(&doc, assertion, "Assertion", ASSERTION_CHILDREN)?;

        let signed = signature::verify(
            &doc,
            text,
            root,
            Some(root),
            Some(assertion),
            &self.keys,
            self.insecure_allow_sha1,
        )?;
        self.check_signed(signed, binding_signed)?;
        self.check_envelope(&doc, root, signed, binding_signed)?;
        self.assertion(&doc, response_irt, assertion, signed, now)
    }

    /// Decrypts one encrypted element with the SP keys, under the same rules whatever it holds.
    fn decrypt(&self, doc: &Document<'_>, node: NodeId, kind: Encrypted) -> Result<Decrypted, Error> {
        decrypt::decrypt(
            doc,
            node,
            kind,
            &self.decryption_keys,
            self.insecure_allow_rsa_pkcs1v15,
            self.max_message_bytes,
        )
    }

    /// The Response's Destination and Issuer.
    fn check_envelope(
        &self,
        doc: &Document<'_>,
        root: NodeId,
        signed: Signed,
        binding_signed: bool,
    ) -> Result<(), Error> {
        // Destination is required whenever the message is signed (SAML Bindings §3.5.5.2).
        match xml::attr(doc, root, "Destination") {
            Some(d) if d == self.sp.acs_url => {}
            Some(d) => {
                return reject(
                    Check::Destination,
                    format!("Destination {} is not the ACS URL {}", short(d), self.sp.acs_url),
                );
            }
            None if signed.response || binding_signed => {
                return reject(Check::Destination, "a signed Response must carry a Destination");
            }
            None => {}
        }
        // The Response's Issuer MAY be omitted (SAML Core §3.2.2, Profiles §4.1.4.2): a Response
        // without one is accepted, since the Assertion's Issuer is always required and checked
        // below. When present it must name the IdP.
        if let Some(issuer) = xml::optional_child(doc, root, NS_SAML, "Issuer")? {
            self.check_issuer(doc, issuer, "Response")?;
        }
        Ok(())
    }

    fn check_signed(&self, signed: Signed, binding_signed: bool) -> Result<(), Error> {
        if !(signed.response || signed.assertion || binding_signed) {
            return reject(
                Check::Signature,
                "neither the Response nor the Assertion is signed",
            );
        }
        if self.want_assertions_signed && !signed.assertion {
            return reject(
                Check::Signature,
                "the Assertion is not signed (want_assertions_signed)",
            );
        }
        Ok(())
    }

    fn check_issuer(&self, doc: &Document<'_>, issuer: NodeId, whose: &str) -> Result<(), Error> {
        if let Some(format) = xml::attr(doc, issuer, "Format")
            && format != ENTITY_FORMAT
        {
            return reject(
                Check::Issuer,
                format!("the {whose} Issuer has a non-entity Format"),
            );
        }
        let value = xml::full_text(doc, issuer)?;
        if value.trim() != self.idp.entity_id {
            return reject(
                Check::Issuer,
                format!(
                    "the {whose} Issuer {} is not the IdP {}",
                    short(value.trim()),
                    self.idp.entity_id
                ),
            );
        }
        Ok(())
    }

    fn assertion(
        &self,
        doc: &Document<'_>,
        response_irt: Option<&str>,
        a: NodeId,
        signed: Signed,
        now: SystemTime,
    ) -> Result<UnconsumedAssertion, Error> {
        require_version(doc, a, "Assertion")?;
        let assertion_id = required_attr(doc, a, "ID", "Assertion")?;
        xml::parse_instant(
            required_attr(doc, a, "IssueInstant", "Assertion")?,
            "IssueInstant",
        )?;
        let issuer = xml::optional_child(doc, a, NS_SAML, "Issuer")?
            .ok_or_else(|| Error::reject(Check::Issuer, "the Assertion has no Issuer"))?;
        self.check_issuer(doc, issuer, "Assertion")?;

        let subject = xml::required_child(doc, a, NS_SAML, "Subject")?;
        let name_id = self.name_id(doc, subject)?;
        let confirmation = self.bearer_confirmation(doc, subject, now)?;

        // InResponseTo: the confirmation's and the Response's must agree; absent means unsolicited.
        let in_response_to = match (confirmation.in_response_to, response_irt) {
            (Some(c), Some(r)) if c != r => {
                return reject(
                    Check::InResponseTo,
                    "the Response and the Assertion answer different requests",
                );
            }
            (c, r) => c.or(r),
        };
        if in_response_to.is_none() && !self.insecure_allow_unsolicited {
            return reject(
                Check::InResponseTo,
                "unsolicited responses are not allowed (no InResponseTo)",
            );
        }

        let conditions_until = self.conditions(doc, a, now)?;

        let mut session_index = None;
        let mut class_ref = None;
        if let Some(authn) = xml::children_named(doc, a, NS_SAML, "AuthnStatement").next() {
            session_index = xml::attr(doc, authn, "SessionIndex").map(str::to_owned);
            if let Some(ctx) = xml::optional_child(doc, authn, NS_SAML, "AuthnContext")?
                && let Some(r) = xml::optional_child(doc, ctx, NS_SAML, "AuthnContextClassRef")?
            {
                class_ref = Some(xml::full_text(doc, r)?.trim().to_owned());
            }
        }
        let attributes = self.attributes(doc, a)?;

        // State changes come last, once every pure check has passed: the caller makes them
        // through `UnconsumedAssertion`.
        let mut until = confirmation.not_on_or_after;
        if let Some(c) = conditions_until {
            until = until.min(c);
        }
        let assertion = VerifiedAssertion {
            name_id,
            session_index,
            authn_context_class_ref: class_ref,
            attributes,
            assertion_id: assertion_id.to_owned(),
            issuer: self.idp.entity_id.clone(),
            in_response_to: in_response_to.map(str::to_owned),
            not_on_or_after: until,
            response_signed: signed.response,
            assertion_signed: signed.assertion,
        };
        Ok(UnconsumedAssertion::new(
            assertion,
            xml::add(until, self.clock_skew),
            now,
        ))
    }

    /// Finds a bearer SubjectConfirmation whose data passes every check; reports the first
    /// failure when none does.
    fn bearer_confirmation<'d>(
        &self,
        doc: &'d Document<'_>,
        subject: NodeId,
        now: SystemTime,
    ) -> Result<Confirmation<'d>, Error> {
        let mut first_error = None;
        for sc in xml::children_named(doc, subject, NS_SAML, "SubjectConfirmation") {
            if xml::attr(doc, sc, "Method") != Some(CM_BEARER) {
                continue;
            }
            match self.check_confirmation(doc, sc, now) {
                Ok(c) => return Ok(c),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error
            .unwrap_or_else(|| Error::reject(Check::SubjectConfirmation, "no bearer SubjectConfirmation")))
    }

    fn check_confirmation<'d>(
        &self,
        doc: &'d Document<'_>,
        sc: NodeId,
        now: SystemTime,
    ) -> Result<Confirmation<'d>, Error> {
        let data = xml::optional_child(doc, sc, NS_SAML, "SubjectConfirmationData")?
            .ok_or_else(|| Error::reject(Check::SubjectConfirmation, "no SubjectConfirmationData"))?;
        match xml::attr(doc, data, "Recipient") {
            Some(r) if r == self.sp.acs_url => {}
            Some(r) => {
                return reject(
                    Check::SubjectConfirmation,
                    format!("Recipient {} is not the ACS URL {}", short(r), self.sp.acs_url),
                );
            }
            None => {
                return reject(
                    Check::SubjectConfirmation,
                    "SubjectConfirmationData has no Recipient",
                );
            }
        }
        let until = xml::attr(doc, data, "NotOnOrAfter").ok_or_else(|| {
            Error::reject(
                Check::SubjectConfirmation,
                "SubjectConfirmationData has no NotOnOrAfter",
            )
        })?;
        let until = xml::parse_instant(until, "NotOnOrAfter")?;
        if now >= xml::add(until, self.clock_skew) {
            return reject(
                Check::SubjectConfirmation,
                "the bearer confirmation has expired (NotOnOrAfter)",
            );
        }
        if let Some(nb) = xml::attr(doc, data, "NotBefore")
            && xml::add(now, self.clock_skew) < xml::parse_instant(nb, "NotBefore")?
        {
            return reject(
                Check::SubjectConfirmation,
                "the bearer confirmation is not yet valid (NotBefore)",
            );
        }
        Ok(Confirmation {
            not_on_or_after: until,
            in_response_to: xml::attr(doc, data, "InResponseTo"),
        })
    }

    /// Checks Conditions; returns its NotOnOrAfter when present.
    fn conditions(
        &self,
        doc: &Document<'_>,
        a: NodeId,
        now: SystemTime,
    ) -> Result<Option<SystemTime>, Error> {
        let Some(c) = xml::optional_child(doc, a, NS_SAML, "Conditions")? else {
            return reject(
                Check::Audience,
                "the Assertion has no Conditions (an audience is required)",
            );
        };
        if let Some(nb) = xml::attr(doc, c, "NotBefore")
            && xml::add(now, self.clock_skew) < xml::parse_instant(nb, "NotBefore")?
        {
            return reject(Check::Conditions, "the Assertion is not yet valid (NotBefore)");
        }
        let until = match xml::attr(doc, c, "NotOnOrAfter") {
            Some(t) => {
                let t = xml::parse_instant(t, "NotOnOrAfter")?;
                if now >= xml::add(t, self.clock_skew) {
                    return reject(Check::Conditions, "the Assertion has expired (NotOnOrAfter)");
                }
                Some(t)
            }
            None => None,
        };
        let mut restrictions = 0;
        for r in xml::children_named(doc, c, NS_SAML, "AudienceRestriction") {
            restrictions += 1;
            let mut found = false;
            for aud in xml::children_named(doc, r, NS_SAML, "Audience") {
                if xml::full_text(doc, aud)?.trim() == self.sp.entity_id {
                    found = true;
                }
            }
            if !found {
                return reject(
                    Check::Audience,
                    format!(
                        "the SP {} is missing from an AudienceRestriction",
                        self.sp.entity_id
                    ),
                );
            }
        }
        if restrictions == 0 {
            return reject(Check::Audience, "the Assertion has no AudienceRestriction");
        }
        Ok(until)
    }
}

struct Confirmation<'d> {
    not_on_or_after: SystemTime,
    in_response_to: Option<&'d str>,
}

/// Reads a `saml:NameID` element (from the Assertion or from a decrypted EncryptedID).
fn read_name_id(doc: &Document<'_>, n: NodeId) -> Result<NameId, Error> {
    let value = xml::full_text(doc, n)?.trim().to_owned();
    if value.is_empty() {
        return reject(Check::Schema, "the NameID is empty");
    }
    Ok(NameId {
        value: Pii::new(value),
        format: xml::attr(doc, n, "Format").map(str::to_owned),
    })
}

/// Adds the values of one `saml:Attribute` element to `out`.
fn read_attribute(
    doc: &Document<'_>,
    attr: NodeId,
    out: &mut BTreeMap<String, Vec<Pii<String>>>,
) -> Result<(), Error> {
    let name = xml::attr(doc, attr, "Name")
        .ok_or_else(|| Error::reject(Check::Schema, "an Attribute has no Name"))?;
    let values = out.entry(name.to_owned()).or_default();
    for v in xml::children_named(doc, attr, NS_SAML, "AttributeValue") {
        values.push(Pii::new(xml::full_text(doc, v)?.trim().to_owned()));
    }
    Ok(())
}

impl ResponseVerifier {
    /// The Subject's NameID, in the clear or decrypted from its EncryptedID.
    fn name_id(&self, doc: &Document<'_>, subject: NodeId) -> Result<NameId, Error> {
        let plain = xml::optional_child(doc, subject, NS_SAML, "NameID")?;
        let encrypted = xml::optional_child(doc, subject, NS_SAML, "EncryptedID")?;
        match (plain, encrypted) {
            (Some(n), None) => read_name_id(doc, n),
            (None, Some(e)) => {
                let decrypted = self.decrypt(doc, e, Encrypted::NameId)?;
                let (inner, n) = decrypted.parse()?;
                read_name_id(&inner, n)
            }
            (Some(_), Some(_)) => reject(Check::Schema, "the Subject has both a NameID and an EncryptedID"),
            (None, None) => reject(Check::Schema, "the Subject has no NameID or EncryptedID"),
        }
    }

    /// The attributes of every AttributeStatement, in the clear or decrypted from
    /// EncryptedAttributes (at most [`MAX_ENCRYPTED_ATTRIBUTES`]: each costs RSA operations).
    fn attributes(&self, doc: &Document<'_>, a: NodeId) -> Result<BTreeMap<String, Vec<Pii<String>>>, Error> {
        let mut out: BTreeMap<String, Vec<Pii<String>>> = BTreeMap::new();
        let children: Vec<NodeId> = xml::children_named(doc, a, NS_SAML, "AttributeStatement")
            .flat_map(|statement| xml::child_elements(doc, statement))
            .collect();
        // Counted before any is decrypted: the bound is on the work an attacker can cause.
        let encrypted = children
            .iter()
            .filter(|c| xml::is(doc, **c, NS_SAML, "EncryptedAttribute"))
            .count();
        if encrypted > MAX_ENCRYPTED_ATTRIBUTES {
            return reject(
                Check::Size,
                format!("more than {MAX_ENCRYPTED_ATTRIBUTES} EncryptedAttribute elements"),
            );
        }
        for child in children {
            if xml::is(doc, child, NS_SAML, "Attribute") {
                read_attribute(doc, child, &mut out)?;
            } else if xml::is(doc, child, NS_SAML, "EncryptedAttribute") {
                let decrypted = self.decrypt(doc, child, Encrypted::Attribute)?;
                let (inner, attr) = decrypted.parse()?;
                read_attribute(&inner, attr, &mut out)?;
            }
        }
        Ok(out)
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
