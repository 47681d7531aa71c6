//! Errors of the server crate.

use std::net::SocketAddr;

/// Why the server could not start, or why its configuration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The bind address is not a loopback address and the caller did not opt in.
    #[error(
        "refusing to bind {0}: not a loopback address (use ServerConfig::insecure_allow_non_loopback to opt in)"
    )]
    NonLoopbackBind(SocketAddr),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The random source failed while generating keys.
    #[error("cannot generate server keys")]
    Random(#[from] netid_core::ports::RandomError),
    /// A key could not be encoded or decoded.
    #[error("invalid key material: {0}")]
    Key(String),
    /// The subscriber file is invalid.
    #[error(transparent)]
    Subscribers(#[from] crate::subscribers::SubscriberFileError),
    /// A client registration is invalid.
    #[error("invalid client registration: {0}")]
    Client(String),
    /// A client's JWK Set could not be fetched from its JWKS URL at start.
    #[error("cannot fetch the keys of client {client_id:?} from {url}: {reason}")]
    Jwks {
        /// The client id.
        client_id: String,
        /// The JWKS URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// Two hosted operators share an id, or one has the root operator's.
    #[error("hosted operator id {0:?} is used twice")]
    DuplicateOperator(String),
    /// A sandbox configuration document was refused.
    #[error(transparent)]
    Config(#[from] crate::sandbox_config::SandboxConfigError),
    /// The Redis URL of the shared state is not one the client accepts.
    #[error("invalid redis url for the sandbox state: {reason}")]
    StateUrl {
        /// What is wrong with it (the URL itself is not repeated: it may carry a password).
        reason: String,
    },
    /// The shared state store did not answer at start.
    #[error("the sandbox state store is unavailable")]
    State(#[source] netid_core::store::StoreError),
    /// The configured issuer is not an `http(s)` URL without query or fragment.
    #[error("invalid issuer {0:?}: expected an http or https URL without query or fragment")]
    Issuer(String),
}
