//! SAML 2.0 metadata: writing the SP's `EntityDescriptor` (`sp`), reading an IdP's: signed
//! metadata verified against configured certificates (`signed`, with `validUntil` and
//! `cacheDuration` from `duration`), or unsigned metadata trusted as configuration (`idp`).
//!
//! [`parse_idp_metadata`] does not verify a metadata signature: it reads IdP metadata obtained
//! out of band (for example from Orange's API Manager ZIP file). [`verify_idp_metadata`] is the
//! entry point for metadata fetched over the network.

mod duration;
mod idp;
mod signed;
mod sp;

pub use self::idp::parse_idp_metadata;
pub use self::signed::{
    DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_METADATA_CACHE, MetadataTrust, VerifiedMetadata,
    verify_idp_metadata,
};
pub use self::sp::SpMetadata;
