//! SAML 2.0 metadata: writing the SP's `EntityDescriptor` (`sp`), reading an IdP's (`idp`).
//!
//! [`parse_idp_metadata`] does not verify a metadata signature: it reads IdP metadata trusted as
//! configuration obtained out of band (for example from Orange's API Manager ZIP file).

mod idp;
mod sp;

pub use self::idp::parse_idp_metadata;
pub use self::sp::SpMetadata;
