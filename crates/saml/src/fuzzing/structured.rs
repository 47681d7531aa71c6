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

use super::{now, verifier};
use crate::{InMemoryReplayCache, InMemoryRequestStore, RequestStore, SignatureAlgorithm, SoftwareSigner};

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
#[derive(Debug, Clone, Arbitrary)]
pub struct StructuredResponse {
    /// How the Response's own elements are named.
    pub prefix: Prefix,
    /// The Response's ID.
    pub id: IdChoice,
    /// The Response's Issuer, if any.
    pub issuer: Option<IssuerChoice>,
    /// The Response's Destination, if any.
    pub destination: Option<UrlChoice>,
    /// The Response's InResponseTo, if any.
    pub in_response_to: Option<RequestChoice>,
    /// A success StatusCode, or a Requester error.
    pub success: bool,
    /// The assertions (the first three are used).
    pub assertions: Vec<AssertionSpec>,
    /// The element that carries the enveloped signature.
    pub signed: SignedChoice,
    /// What the signature's Reference points at.
    pub reference: ReferenceChoice,
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
    /// Its Issuer, if any.
    pub issuer: Option<IssuerChoice>,
    /// The Subject's NameID text.
    pub name_id: Text,
    /// Whether the NameID carries a (persistent) Format.
    pub name_id_format: bool,
    /// The SubjectConfirmations (the first three are used).
    pub confirmations: Vec<Confirmation>,
    /// The Conditions, if any.
    pub conditions: Option<Conditions>,
    /// The attributes of its AttributeStatement (the first three are used).
    pub attributes: Vec<Attribute>,
}

/// Namespace prefixes of an element and its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Prefix {
    /// `samlp:` and `saml:`.
    Standard,
    /// Other prefixes bound to the same namespaces.
    Custom,
    /// The default namespace, no prefix.
    Default,
}

/// An `ID` attribute value; `Id(n)` gives one of four, so IDs collide often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum IdChoice {
    /// `_id0` … `_id3`.
    Id(u8),
    /// The empty string.
    Empty,
    /// A value that is not an NCName.
    NotAnNcName,
}

/// An Issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum IssuerChoice {
    /// The IdP's entity ID.
    Idp,
    /// The IdP's entity ID between whitespace.
    IdpPadded,
    /// The IdP's entity ID with the entity Format.
    EntityFormat,
    /// The IdP's entity ID with another Format.
    OtherFormat,
    /// Another entity.
    Other,
}

/// A URL where the SP's ACS URL is expected (Destination, Recipient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum UrlChoice {
    /// The ACS URL.
    Acs,
    /// The ACS URL with a trailing slash.
    AcsSlash,
    /// Another URL.
    Other,
}

/// An InResponseTo value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum RequestChoice {
    /// The request recorded as outstanding.
    Outstanding,
    /// A request nobody sent.
    Unknown,
}

/// Which element is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum SignedChoice {
    /// None.
    Nothing,
    /// The Response.
    Response,
    /// Assertion `k` (modulo their number).
    Assertion(u8),
}

/// The element the signature's Reference names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum ReferenceChoice {
    /// The signature's parent (the only one allowed).
    Parent,
    /// The Response.
    Response,
    /// Assertion `k` (modulo their number).
    Assertion(u8),
    /// An ID no element has.
    Unknown,
    /// `URI=""`, the whole document.
    Empty,
}

/// Where an Assertion goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Placement {
    /// A child of the Response, after Status (its schema place).
    Response,
    /// A child of the Response, before its Issuer.
    BeforeIssuer,
    /// Inside the Response's `samlp:Extensions`.
    Extensions,
    /// Inside the previous Assertion's `saml:Advice`.
    Advice,
    /// Added after signing, inside a `ds:Object` of the first signature.
    SignatureObject,
    /// Added after signing, as the Response's last child.
    AfterSigning,
}

/// A SubjectConfirmation.
#[derive(Debug, Clone, Arbitrary)]
pub struct Confirmation {
    /// The bearer Method, or holder-of-key.
    pub bearer: bool,
    /// Whether it has a SubjectConfirmationData at all.
    pub data: bool,
    /// Its Recipient.
    pub recipient: Option<UrlChoice>,
    /// Its NotBefore.
    pub not_before: Option<Instant>,
    /// Its NotOnOrAfter.
    pub not_on_or_after: Option<Instant>,
    /// Its InResponseTo.
    pub in_response_to: Option<RequestChoice>,
}

/// The Conditions element.
#[derive(Debug, Clone, Arbitrary)]
pub struct Conditions {
    /// NotBefore.
    pub not_before: Option<Instant>,
    /// NotOnOrAfter.
    pub not_on_or_after: Option<Instant>,
    /// AudienceRestrictions, each a list of Audiences.
    pub restrictions: Vec<Vec<AudienceChoice>>,
}

/// An Audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum AudienceChoice {
    /// The SP's entity ID.
    Sp,
    /// The SP's entity ID between whitespace.
    SpPadded,
    /// Another entity.
    Other,
    /// Empty.
    Empty,
}

/// An `xs:dateTime` around the fuzzing clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub struct Instant {
    /// Seconds from `now` (the clock skew allowed is 60 s).
    pub offset: i16,
    /// How it is written.
    pub form: InstantForm,
}

/// How an instant is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum InstantForm {
    /// `…:ssZ`.
    Utc,
    /// Half a second later, `…:ss.5Z`.
    Fraction,
    /// The same instant at `+01:00`.
    Offset,
    /// Not a date.
    Garbage,
}

/// An Attribute.
#[derive(Debug, Clone, Arbitrary)]
pub struct Attribute {
    /// Its Name.
    pub name: String,
    /// Its AttributeValues (the first three are used).
    pub values: Vec<Text>,
}

/// A text value and how it is written in the XML.
#[derive(Debug, Clone, Arbitrary)]
pub struct Text {
    /// The text (the first 48 characters are used).
    pub value: String,
    /// How it is written.
    pub form: TextForm,
}

/// How a text value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum TextForm {
    /// Escaped text.
    Plain,
    /// Split by a comment after character `n` (modulo the length): `a<!--x-->b`.
    Comment(u8),
    /// A CDATA section.
    CData,
    /// Every character as a character reference.
    CharRefs,
    /// Between whitespace and line breaks.
    Padded,
}

impl Text {
    /// The used part of the value.
    fn used(&self) -> String {
        self.value.chars().take(MAX_TEXT).collect()
    }

    /// What a reader gets back: the text, trimmed (the verifier trims NameIDs and values).
    fn expected(&self) -> String {
        self.used().trim().to_owned()
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
    for attr in a.attributes.iter().take(MAX_ITEMS) {
        let name: String = attr.name.chars().take(MAX_TEXT).collect();
        out.entry(name)
            .or_default()
            .extend(attr.values.iter().take(MAX_ITEMS).map(Text::expected));
    }
    out
}
