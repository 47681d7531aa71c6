//! Signed IdP metadata: the root `EntityDescriptor` or `EntitiesDescriptor` verified against
//! configured certificates, `validUntil` and `cacheDuration` honoured, several signing keys kept.

use std::fmt;
use std::time::{Duration, SystemTime};

use uppsala::{Document, NodeId};

use super::{duration, idp};
use crate::config::{IdentityProvider, IdpCertificate};
use crate::error::{Check, Error, reject};
use crate::signature::{self, short};
use crate::xml::{self, NS_DS, NS_MD};

/// Default bound on how long verified metadata is used before it is fetched again (a day), whatever
/// its `cacheDuration` says.
pub const DEFAULT_MAX_METADATA_CACHE: Duration = Duration::from_secs(24 * 3600);
/// Default cap on the size of a metadata document (one IdP or a small aggregate).
pub const DEFAULT_MAX_METADATA_BYTES: usize = 1024 * 1024;

/// What the SP trusts to verify IdP metadata: the certificates of the metadata signer (obtained
/// out of band), which entity to pick from an aggregate, and the caching bounds.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MetadataTrust {
    /// Certificates any one of which may have signed the metadata (several during the signer's
    /// own key rollover). With none, every document is refused.
    pub certificates: Vec<IdpCertificate>,
    /// The IdP's entity ID: required to pick the IdP out of an `EntitiesDescriptor`, and, when
    /// set, the only entity accepted from an `EntityDescriptor`.
    pub entity_id: Option<String>,
    /// Upper bound on the time until the next refresh (default [`DEFAULT_MAX_METADATA_CACHE`]).
    pub max_cache_duration: Duration,
    /// Largest document accepted (default [`DEFAULT_MAX_METADATA_BYTES`]).
    pub max_bytes: usize,
}

impl MetadataTrust {
    /// Trusts metadata signed by one of `certificates`, with the default bounds.
    pub fn new(certificates: Vec<IdpCertificate>) -> Self {
        Self {
            certificates,
            entity_id: None,
            max_cache_duration: DEFAULT_MAX_METADATA_CACHE,
            max_bytes: DEFAULT_MAX_METADATA_BYTES,
        }
    }

    /// Names the IdP to read (required for an `EntitiesDescriptor`).
    #[must_use]
    pub fn entity_id(mut self, entity_id: impl Into<String>) -> Self {
        self.entity_id = Some(entity_id.into());
        self
    }

    /// Bounds the time until the next refresh.
    #[must_use]
    pub fn max_cache_duration(mut self, bound: Duration) -> Self {
        self.max_cache_duration = bound;
        self
    }

    /// Caps the size of a metadata document.
    #[must_use]
    pub fn max_bytes(mut self, max: usize) -> Self {
        self.max_bytes = max;
        self
    }
}

/// IdP metadata whose signature verified, read from the signed element only.
///
/// Every `KeyDescriptor` with `use="signing"` (or no `use`) becomes a trusted Response signing
/// certificate: during the IdP's key rollover it lists the old and the new key, and a Response
/// signed by either verifies.
#[derive(Clone)]
pub struct VerifiedMetadata {
    idp: IdentityProvider,
    valid_until: Option<SystemTime>,
    cache_duration: Option<Duration>,
    max_cache_duration: Duration,
}

impl fmt::Debug for VerifiedMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            idp,
            valid_until,
            cache_duration,
            max_cache_duration,
        } = self;
        f.debug_struct("VerifiedMetadata")
            .field("idp", idp)
            .field("valid_until", valid_until)
            .field("cache_duration", cache_duration)
            .field("max_cache_duration", max_cache_duration)
            .finish()
    }
}

impl VerifiedMetadata {
    /// The IdP the metadata describes (entity ID, signing certificates, SSO URL).
    pub fn identity_provider(&self) -> &IdentityProvider {
        &self.idp
    }

    /// The IdP, to build a [`ResponseVerifier`](crate::ResponseVerifier).
    pub fn into_identity_provider(self) -> IdentityProvider {
        self.idp
    }

    /// The earliest `validUntil` from the root down to the IdP's `EntityDescriptor`, if any: after it,
    /// the metadata must not be used.
    pub fn valid_until(&self) -> Option<SystemTime> {
        self.valid_until
    }

    /// The shortest `cacheDuration` from the root down to the IdP's `EntityDescriptor`, if any.
    pub fn cache_duration(&self) -> Option<Duration> {
        self.cache_duration
    }

    /// Whether the metadata may still be used at `now` (strictly before `validUntil`).
    pub fn is_valid_at(&self, now: SystemTime) -> bool {
        self.valid_until.is_none_or(|until| now < until)
    }

    /// When metadata fetched at `fetched_at` should be fetched again: the earliest of
    /// `validUntil`, `fetched_at + cacheDuration` and `fetched_at` + the caller's bound.
    pub fn refresh_at(&self, fetched_at: SystemTime) -> SystemTime {
        let by_cache = self
            .cache_duration
            .map_or(self.max_cache_duration, |d| d.min(self.max_cache_duration));
        let mut at = xml::add(fetched_at, by_cache);
        if let Some(until) = self.valid_until {
            at = at.min(until);
        }
        at
    }
}

/// Verifies signed IdP metadata and reads the IdP from the signed element.
///
/// The document is parsed once with DTDs refused; its root (`md:EntityDescriptor`, or
/// `md:EntitiesDescriptor` holding the IdP named by [`MetadataTrust::entity_id`]) must carry the
/// document's only signature, enveloped and following the same profile as Response signatures
/// (allowed algorithms, one Reference to the root's ID, exc-c14n), verified with
/// [`MetadataTrust::certificates`] only. IDs must be unique. Unsigned metadata is refused here:
/// [`parse_idp_metadata`](crate::parse_idp_metadata) reads metadata trusted as configuration.
///
/// # Errors
///
/// [`Error::Rejected`] naming the failed check: [`Check::Size`], [`Check::Xml`] (not well formed,
/// a DTD), [`Check::Schema`] (not IdP metadata, no such entity, a malformed `validUntil` or
/// `cacheDuration`), [`Check::DuplicateId`], [`Check::SignatureProfile`], [`Check::Algorithm`],
/// [`Check::Signature`] (unsigned, untrusted signer, tampered), [`Check::Issuer`] (another entity
/// than [`MetadataTrust::entity_id`]), [`Check::MetadataValidity`] (`validUntil` has passed).
/// [`Error::Config`] for an `EntitiesDescriptor` when no entity ID is configured.
pub fn verify_idp_metadata(
    metadata: &str,
    trust: &MetadataTrust,
    now: SystemTime,
) -> Result<VerifiedMetadata, Error> {
    if metadata.len() > trust.max_bytes {
        return reject(Check::Size, "the metadata document is larger than the cap");
    }
    let doc = xml::parse(metadata)?;
    let root = doc
        .document_element()
        .ok_or_else(|| Error::reject(Check::Schema, "empty metadata document"))?;
    let aggregate = if xml::is(&doc, root, NS_MD, "EntitiesDescriptor") {
        true
    } else if xml::is(&doc, root, NS_MD, "EntityDescriptor") {
        false
    } else {
        return reject(
            Check::Schema,
            "the root is neither md:EntityDescriptor nor md:EntitiesDescriptor",
        );
    };
    crate::response::check_unique_ids(&[&doc])?;
    verify_root_signature(&doc, root, &trust.certificates)?;
    let entity = if aggregate {
        let wanted = trust.entity_id.as_deref().ok_or_else(|| {
            Error::config("an EntitiesDescriptor needs the IdP's entity ID to pick the IdP")
        })?;
        pick_entity(&doc, root, wanted)?
    } else {
        root
    };
    let bad = |what: &str| Error::reject(Check::Schema, format!("IdP metadata: {what}"));
    let idp = idp::read_entity(&doc, entity, &bad)?;
    if let Some(wanted) = &trust.entity_id
        && &idp.entity_id != wanted
    {
        return reject(
            Check::Issuer,
            format!(
                "the metadata describes {}, not the configured IdP",
                short(&idp.entity_id)
            ),
        );
    }
    let mut valid_until = None;
    let mut cache_duration = None;
    // Every element from the IdP's EntityDescriptor up to the root may bound the validity.
    let mut chain = vec![entity];
    let mut node = entity;
    while node != root
        && let Some(parent) = doc.parent(node)
    {
        chain.push(parent);
        node = parent;
    }
    for node in chain {
        if let Some(text) = xml::attr(&doc, node, "validUntil") {
            let t = xml::parse_instant(text, "validUntil")?;
            valid_until = Some(valid_until.map_or(t, |v: SystemTime| v.min(t)));
        }
        if let Some(text) = xml::attr(&doc, node, "cacheDuration") {
            let d = duration::parse(text)
                .ok_or_else(|| Error::reject(Check::Schema, "cacheDuration is not an xs:duration"))?;
            cache_duration = Some(cache_duration.map_or(d, |c: Duration| c.min(d)));
        }
    }
    let verified = VerifiedMetadata {
        idp,
        valid_until,
        cache_duration,
        max_cache_duration: trust.max_cache_duration,
    };
    if !verified.is_valid_at(now) {
        return reject(Check::MetadataValidity, "the metadata's validUntil has passed");
    }
    Ok(verified)
}

/// The root's enveloped signature is the document's only one, and verifies with `certificates`.
fn verify_root_signature(
    doc: &Document<'_>,
    root: NodeId,
    certificates: &[IdpCertificate],
) -> Result<(), Error> {
    // Signatures on the entities inside an aggregate would each need their own trust decision;
    // only the root's is accepted, so what is read is covered by exactly one verified signature.
    let signatures = doc
        .descendants(root)
        .into_iter()
        .filter(|n| xml::is(doc, *n, NS_DS, "Signature"))
        .collect::<Vec<_>>();
    match signatures.as_slice() {
        [] => return reject(Check::Signature, "the metadata is not signed"),
        [one] if doc.parent(*one) == Some(root) => {}
        _ => {
            return reject(
                Check::SignatureProfile,
                "metadata may carry one Signature, on its root element",
            );
        }
    }
    let keys = signature::TrustedKeys::new(certificates.iter().map(|cert| &cert.key));
    let signed = signature::verify(doc, root, Some(root), None, &keys, false)?;
    if !signed.response {
        return reject(Check::Signature, "the metadata is not signed");
    }
    Ok(())
}

/// The `md:EntityDescriptor` child of `root` whose `entityID` is `wanted` (nested aggregates are
/// searched too); a name found twice is refused rather than picked.
fn pick_entity(doc: &Document<'_>, root: NodeId, wanted: &str) -> Result<NodeId, Error> {
    let mut found = doc
        .descendants(root)
        .into_iter()
        .filter(|n| xml::is(doc, *n, NS_MD, "EntityDescriptor"))
        .filter(|n| xml::attr(doc, *n, "entityID") == Some(wanted));
    match (found.next(), found.next()) {
        (Some(entity), None) => Ok(entity),
        (None, _) => reject(
            Check::Schema,
            "the aggregate does not describe the configured IdP",
        ),
        (Some(_), Some(_)) => reject(Check::Schema, "the aggregate describes the IdP twice"),
    }
}
