//! The Response-level pipeline: structure, the signature profile, decryption of an
//! EncryptedAssertion, Destination and Issuers; then the Assertion's checks (`assertion`).

use std::time::SystemTime;

use uppsala::{Document, NodeId};

use super::structure::{
    ASSERTION_CHILDREN, Payload, RESPONSE_CHILDREN, check_status, check_unique_ids, only_children,
    require_version, required_attr, single_assertion,
};
use super::{ResponseVerifier, UnconsumedAssertion, VerifiedAssertion};
use crate::decrypt::{self, Decrypted, Encrypted};
use crate::error::{Check, Error, reject};
use crate::signature::{self, Signed, short};
use crate::store::{ReplayCache, RequestStore};
use crate::xml::{self, NS_SAML, NS_SAMLP};

const ENTITY_FORMAT: &str = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";

impl ResponseVerifier {
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
                let outer =
                    signature::verify(&doc, root, Some(root), None, &self.keys, self.insecure_allow_sha1)?;
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
    pub(super) fn decrypt(
        &self,
        doc: &Document<'_>,
        node: NodeId,
        kind: Encrypted,
    ) -> Result<Decrypted, Error> {
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

    pub(crate) fn check_issuer(&self, doc: &Document<'_>, issuer: NodeId, whose: &str) -> Result<(), Error> {
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
}
