//! The facade's one error type, split by who must act: the description's author, the caller, the
//! user (a token not granted), or the operator (a call that failed).

use netid_camara::{Api, CamaraError};

use crate::description::DescriptionError;
use crate::telco_finder::RoutingError;

/// Why an [`Operator`](crate::Operator) could not be built or a call could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operator's description cannot be used as it is.
    #[error(transparent)]
    Description(#[from] DescriptionError),
    /// The application's credentials are missing or unusable (client id, private key).
    #[error("client credentials: {0}")]
    Credentials(String),
    /// Something the operator needs is missing from the description (the provider of an API).
    #[error("{0}")]
    Incomplete(String),
    /// A port has no default without the `reqwest` feature (the transport, the sleep).
    #[error("no {0} given: build the operator with one, or enable the `reqwest` feature")]
    MissingPort(&'static str),
    /// The caller's input does not fit the operation or the operator's profile.
    #[error("{0}")]
    Input(String),
    /// The profile obtains tokens with a flow the caller runs (the authorization-code flow, run by
    /// the device over the mobile network): the call needs the token it obtained.
    #[error(
        "{api} at this operator takes tokens from the authorization-code flow, which runs on the device: obtain one with Operator::authorize and complete_authorization, and pass it with Subject::with_access_token"
    )]
    TokenFromCaller {
        /// The API called.
        api: Api,
    },
    /// No token was obtained: the user denied, nobody answered, the provider refused, ...
    #[error("no token: {source}")]
    Token {
        /// The token flow's error.
        #[source]
        source: netid_ciba::Error,
        /// Token requests sent by the flow that failed, when one ran.
        polls: Option<u32>,
    },
    /// The API call failed.
    #[error(transparent)]
    Call(#[from] CamaraError),
    /// The Telco Finder knows no supported operator for the subscriber (its `NotSupported`).
    #[error("the telco finder knows no supported operator for this subscriber")]
    NotSupported,
    /// A chain of Telco Finders could not be followed (a loop, or too many second-level finders).
    #[error(transparent)]
    Routing(#[from] RoutingError),
}

impl Error {
    /// A stable name for the kind of failure (`description`, `credentials`, `incomplete`,
    /// `missing_port`, `input`, `token_from_caller`, `token`, `not_supported`, `routing`, or the call error's kind: `operator`,
    /// `decode`, `transport`, `deadline`, ...), for logs, metrics and reports: unlike `Display`, it
    /// never carries text from a response.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Description(_) => "description",
            Self::Credentials(_) => "credentials",
            Self::Incomplete(_) => "incomplete",
            Self::MissingPort(_) => "missing_port",
            Self::Input(_) => "input",
            Self::TokenFromCaller { .. } => "token_from_caller",
            Self::Token { .. } => "token",
            Self::Call(error) => error.kind(),
            Self::NotSupported => "not_supported",
            Self::Routing(_) => "routing",
        }
    }

    /// Whether the error comes from the description or the caller's input: fixing them, not
    /// retrying, helps.
    #[must_use]
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::Description(_)
                | Self::Credentials(_)
                | Self::Incomplete(_)
                | Self::MissingPort(_)
                | Self::Input(_)
                | Self::TokenFromCaller { .. }
        )
    }
}
