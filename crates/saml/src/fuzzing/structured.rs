//! A grammar of signed Responses for `fuzz/fuzz_targets/saml_response_signed.rs`: `arbitrary`
//! builds a [`StructuredResponse`], the entry point renders it, signs the element it names with
//! the test IdP key, and hands it to the real [`ResponseVerifier`](crate::ResponseVerifier).
//! Random bytes never carry a valid signature, so without this every check after the signature
//! stays out of the fuzzer's reach.
//!
//! Property: when the verifier accepts, the NameID, attributes and assertion ID are those the
//! grammar placed in an Assertion the signature covers (never another one), and every Issuer,
//! Destination, status, time, audience and recipient check held for the values the grammar chose.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use arbitrary::Arbitrary;

pub use self::choices::{
    Attribute, AudienceChoice, Conditions, Confirmation, IdChoice, Instant, InstantForm, IssuerChoice,
    Method, Placement, Prefix, ReferenceChoice, RequestChoice, Restriction, SignedChoice, StatusChoice, Text,
    TextForm, UrlChoice,
};

use super::{now, verifier};
use crate::{InMemoryReplayCache, InMemoryRequestStore, RequestStore, SignatureAlgorithm, SoftwareSigner};

mod choices;
mod property;
mod render;
#[cfg(test)]
mod tests;

/// The test-only IdP key whose certificate the fuzzing verifier trusts.
const IDP_KEY: &[u8] = include_bytes!("../../tests/fixtures/keys/idp.key");
/// The request ID the entry point records as outstanding before verifying.
pub(super) const OUTSTANDING: &str = "_req-outstanding";
/// At most this many assertions, attributes, values, restrictions, audiences, confirmations.
const MAX_ITEMS: usize = 3;
/// At most this many characters of a text value.
const MAX_TEXT: usize = 48;

/// A SAML Response described by its parts, rendered and signed by [`fuzz_structured_response`].
///
/// The first variant of every choice, `false`, `None` and empty lists (what `arbitrary` makes of
/// zero bytes) give a Response the verifier accepts, so the fuzzer starts on the accepted path and
/// every mutation is one step away from it.
#[derive(Debug, Clone, Arbitrary)]
pub struct StructuredResponse {
    /// How the Response's own elements are named.
    pub prefix: Prefix,
    /// The Response's ID.
    pub id: IdChoice,
    /// The Response's Issuer (optional in SAML: `Absent` is allowed).
    pub issuer: IssuerChoice,
    /// The Response's Destination.
    pub destination: UrlChoice,
    /// The Response's InResponseTo, if any.
    pub in_response_to: Option<RequestChoice>,
    /// The StatusCode.
    pub status: StatusChoice,
    /// The first assertion.
    pub assertion: AssertionSpec,
    /// More assertions (the first two are used).
    pub more_assertions: Vec<AssertionSpec>,
    /// The element that carries the enveloped signature.
    pub signed: SignedChoice,
    /// What the signature's Reference points at.
    pub reference: ReferenceChoice,
}

impl StructuredResponse {
    /// The assertions used, in order.
    pub fn assertions(&self) -> Vec<&AssertionSpec> {
        std::iter::once(&self.assertion)
            .chain(&self.more_assertions)
            .take(MAX_ITEMS)
            .collect()
    }
}

/// One Assertion.
#[derive(Debug, Clone, Arbitrary)]
pub struct AssertionSpec {
    /// Where it is placed.
    pub placement: Placement,
    /// How its elements are named.
    pub prefix: Prefix,
    /// Its ID.
    pub id: IdChoice,
    /// Its Issuer.
    pub issuer: IssuerChoice,
    /// The Subject's NameID text.
    pub name_id: Text,
    /// Whether the NameID carries a (persistent) Format.
    pub name_id_format: bool,
    /// The first SubjectConfirmation.
    pub confirmation: Confirmation,
    /// More SubjectConfirmations (the first two are used).
    pub more_confirmations: Vec<Confirmation>,
    /// The Conditions.
    pub conditions: Conditions,
    /// The attributes of its AttributeStatement (the first three are used).
    pub attributes: Vec<Attribute>,
}

impl AssertionSpec {
    /// The SubjectConfirmations used, in order.
    pub fn confirmations(&self) -> impl Iterator<Item = &Confirmation> {
        std::iter::once(&self.confirmation)
            .chain(&self.more_confirmations)
            .take(MAX_ITEMS)
    }

    /// The attributes used, in order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().take(MAX_ITEMS)
    }
}

/// Signs with the IdP key once.
fn signer() -> Option<&'static SoftwareSigner> {
    static SIGNER: OnceLock<Option<SoftwareSigner>> = OnceLock::new();
    SIGNER
        .get_or_init(|| SoftwareSigner::from_pem(IDP_KEY, SignatureAlgorithm::RsaSha256).ok())
        .as_ref()
}

/// Renders `input`, signs it, verifies it; panics when an accepted Response breaks the property.
pub fn fuzz_structured_response(input: StructuredResponse) {
    let (Some(v), Some(signer)) = (verifier(), signer()) else {
        return;
    };
    let built = render::build(&input, signer);
    let requests = InMemoryRequestStore::new();
    requests.insert(OUTSTANDING, now() + std::time::Duration::from_secs(600), now());
    let replay = InMemoryReplayCache::new();
    if let Ok(accepted) = v.verify_xml(built.xml.as_bytes(), now(), &requests, &replay) {
        property::check(&input, &built, &accepted);
    }
}

/// The attributes an Assertion's AttributeStatement gives, as the verifier reads them.
fn expected_attributes(a: &AssertionSpec) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for attr in a.attributes() {
        let name: String = attr.name.chars().take(MAX_TEXT).collect();
        out.entry(name)
            .or_default()
            .extend(attr.values().map(Text::expected));
    }
    out
}
