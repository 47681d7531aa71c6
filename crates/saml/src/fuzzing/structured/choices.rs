//! The choices of the grammar below the Response and the Assertion: names, IDs, URLs, times,
//! audiences, confirmations, attributes and text forms.

use arbitrary::Arbitrary;

use super::{MAX_ITEMS, MAX_TEXT};

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

/// An `ID` attribute value; `Id(n)` gives one of four (`_id0` … `_id3`, shifted by one per
/// assertion so that zero bytes give distinct IDs), so IDs collide often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum IdChoice {
    /// One of `_id0` … `_id3`.
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
    /// No Issuer element.
    Absent,
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
    /// No attribute.
    Absent,
}

/// The StatusCode of the Response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum StatusChoice {
    /// `…:status:Success`.
    Success,
    /// `…:status:Requester`.
    Requester,
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
    /// Assertion `k` (modulo their number).
    Assertion(u8),
    /// The Response.
    Response,
    /// None.
    Nothing,
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
    /// Its Method.
    pub method: Method,
    /// Without a SubjectConfirmationData.
    pub no_data: bool,
    /// Its Recipient.
    pub recipient: UrlChoice,
    /// Its NotBefore.
    pub not_before: Instant,
    /// Its NotOnOrAfter.
    pub not_on_or_after: Instant,
    /// Its InResponseTo.
    pub in_response_to: Option<RequestChoice>,
}

/// A SubjectConfirmation Method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub enum Method {
    /// `…:cm:bearer`, the only one the Web Browser SSO profile accepts.
    Bearer,
    /// `…:cm:holder-of-key`.
    HolderOfKey,
}

/// The Conditions element.
#[derive(Debug, Clone, Arbitrary)]
pub struct Conditions {
    /// No Conditions element at all.
    pub absent: bool,
    /// NotBefore.
    pub not_before: Instant,
    /// NotOnOrAfter.
    pub not_on_or_after: Instant,
    /// The first AudienceRestriction.
    pub restriction: Restriction,
    /// More AudienceRestrictions (the first two are used).
    pub more_restrictions: Vec<Restriction>,
}

impl Conditions {
    /// The AudienceRestrictions used, in order.
    pub fn restrictions(&self) -> impl Iterator<Item = &Restriction> {
        std::iter::once(&self.restriction)
            .chain(&self.more_restrictions)
            .take(MAX_ITEMS)
    }
}

/// An AudienceRestriction.
#[derive(Debug, Clone, Arbitrary)]
pub struct Restriction {
    /// The first Audience.
    pub audience: AudienceChoice,
    /// More Audiences (the first two are used).
    pub more: Vec<AudienceChoice>,
}

impl Restriction {
    /// The Audiences used, in order.
    pub fn audiences(&self) -> impl Iterator<Item = AudienceChoice> + '_ {
        std::iter::once(self.audience)
            .chain(self.more.iter().copied())
            .take(MAX_ITEMS)
    }
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
    /// No attribute.
    Absent,
}

/// An Attribute.
#[derive(Debug, Clone, Arbitrary)]
pub struct Attribute {
    /// Its Name.
    pub name: String,
    /// Its AttributeValues (the first three are used).
    pub values: Vec<Text>,
}

impl Attribute {
    /// The AttributeValues used, in order.
    pub fn values(&self) -> impl Iterator<Item = &Text> {
        self.values.iter().take(MAX_ITEMS)
    }
}

/// A text value and how it is written in the XML.
#[derive(Debug, Clone, Arbitrary)]
pub struct Text {
    /// The text (the first 48 characters are used; empty means `fuzz`, so that zero bytes give
    /// a NameID: a blank value still reaches the empty-NameID check).
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
    pub(super) fn used(&self) -> String {
        if self.value.is_empty() {
            return "fuzz".to_owned();
        }
        self.value.chars().take(MAX_TEXT).collect()
    }

    /// What a reader gets back: the text, trimmed (the verifier trims NameIDs and values).
    pub(super) fn expected(&self) -> String {
        self.used().trim().to_owned()
    }
}
