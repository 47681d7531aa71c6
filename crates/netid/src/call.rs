//! What every call shares: who it is about ([`Subject`]), its settings (deadline, progress and
//! cancellation), and what it returns ([`Reply`]).

use std::fmt;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::time::Duration;

use netid_camara::operation::{Bearer, TokenKind};
use netid_camara::{Answer, CallOptions, CamaraClient, CorrelatorEcho, SpecVersion, ToleratedQuirk};
use netid_core::correlator::XCorrelator;
use netid_core::login_hint::LoginHint;
use netid_core::phone::PhoneNumber;
use netid_core::scope::Scope;
use netid_core::token::AccessToken;

pub use netid_ciba::ciba::Progress;

use crate::Operator;
use crate::error::Error;
use crate::operation::Operation;

/// Who a call is about: a subscriber's phone number, a login hint (a device's network address or
/// TS.43 token), or a token the caller already holds for them.
///
/// ```
/// use netid::Subject;
/// use netid_core::phone::PhoneNumber;
///
/// let number = PhoneNumber::parse_strict("+34654654654")?;
/// let subject = Subject::from(number); // the operator's profile writes the login hint
/// assert!(format!("{subject:?}").contains("+34*******54"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub(crate) phone_number: Option<PhoneNumber>,
    pub(crate) login_hint: Option<LoginHint>,
    pub(crate) access_token: Option<(AccessToken, TokenKind)>,
}

impl Subject {
    /// The subscriber of `number`.
    #[must_use]
    pub fn phone_number(number: PhoneNumber) -> Self {
        Self {
            phone_number: Some(number),
            ..Self::default()
        }
    }

    /// Whoever `hint` names (`ipport:` or `operatortoken:` for a device).
    #[must_use]
    pub fn login_hint(hint: LoginHint) -> Self {
        Self {
            login_hint: Some(hint),
            ..Self::default()
        }
    }

    /// Whomever `token` (three-legged) was obtained for: no token flow runs.
    #[must_use]
    pub fn access_token(token: AccessToken) -> Self {
        Self {
            access_token: Some((token, TokenKind::ThreeLegged)),
            ..Self::default()
        }
    }

    /// Authenticates with `hint` instead of the hint the profile writes for the number.
    #[must_use]
    pub fn with_login_hint(mut self, hint: LoginHint) -> Self {
        self.login_hint = Some(hint);
        self
    }

    /// Uses `token` (three-legged, obtained elsewhere) instead of running a token flow.
    #[must_use]
    pub fn with_access_token(mut self, token: AccessToken) -> Self {
        self.access_token = Some((token, TokenKind::ThreeLegged));
        self
    }

    /// Uses `token`, obtained for the application alone (client credentials), instead of running a
    /// token flow: the request then names the subscriber by the subject's phone number, which
    /// becomes required.
    #[must_use]
    pub fn with_two_legged_token(mut self, token: AccessToken) -> Self {
        self.access_token = Some((token, TokenKind::TwoLegged));
        self
    }

    /// The subscriber's number, sent where the spec version allows it.
    #[must_use]
    pub fn with_phone_number(mut self, number: PhoneNumber) -> Self {
        self.phone_number = Some(number);
        self
    }
}

impl Subject {
    /// The bearer of `token` (this subject's own when it gave one), naming the subject's number,
    /// which the spec version then sends or not.
    pub(crate) fn bearer<'a>(&'a self, token: &'a AccessToken) -> Result<Bearer<'a>, Error> {
        let kind = self
            .access_token
            .as_ref()
            .map_or(TokenKind::ThreeLegged, |(_, kind)| *kind);
        match (kind, &self.phone_number) {
            (TokenKind::TwoLegged, Some(number)) => Ok(Bearer::two_legged(token, number)),
            (TokenKind::TwoLegged, None) => Err(Error::Input(
                "a two-legged token needs the subscriber's phone number".to_owned(),
            )),
            (_, Some(number)) => Ok(Bearer::three_legged(token).with_phone_number(number)),
            (_, None) => Ok(Bearer::three_legged(token)),
        }
    }
}

impl From<PhoneNumber> for Subject {
    fn from(number: PhoneNumber) -> Self {
        Self::phone_number(number)
    }
}

impl From<LoginHint> for Subject {
    fn from(hint: LoginHint) -> Self {
        Self::login_hint(hint)
    }
}

impl From<AccessToken> for Subject {
    fn from(token: AccessToken) -> Self {
        Self::access_token(token)
    }
}

/// Where the token of a call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenSource {
    /// The caller's ([`Subject::with_access_token`]).
    Given,
    /// A live token of an earlier flow for the same subject and scopes.
    Cached,
    /// The refresh grant.
    Refreshed,
    /// A CIBA flow run for this call, after `polls` token requests.
    Ciba {
        /// Token requests sent.
        polls: u32,
    },
    /// The JWT-bearer grant.
    JwtBearer,
}

/// How the token of a call was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// Where it came from.
    pub source: TokenSource,
    /// The scope asked for (none for a given token).
    pub scope: Option<Scope>,
}

/// What a successful call returns: the version-independent value, what the call learned on the
/// way, and how its token was obtained.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reply<T> {
    /// The answer.
    pub value: T,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `x-correlator` sent.
    pub correlator: XCorrelator,
    /// How the response echoed it.
    pub echo: CorrelatorEcho,
    /// Deviations from the spec the profile tolerated, with their JSON paths.
    pub tolerated: Vec<ToleratedQuirk>,
    /// Attempts made.
    pub attempts: u32,
    /// The spec version that answered.
    pub spec: SpecVersion,
    /// How the token was obtained.
    pub token: TokenInfo,
}

impl<T> Reply<T> {
    pub(crate) fn new(answer: Answer<T>, token: TokenInfo) -> Self {
        Self {
            value: answer.value,
            status: answer.status,
            correlator: answer.correlator,
            echo: answer.echo,
            tolerated: answer.tolerated,
            attempts: answer.attempts,
            spec: answer.spec,
            token,
        }
    }
}

/// A progress callback: called before every wait of a token flow; returning
/// [`ControlFlow::Break`] cancels the flow.
pub(crate) type ProgressFn<'a> = Box<dyn FnMut(Progress) -> ControlFlow<()> + Send + 'a>;

/// One call to one API, configured before it is sent: `operator.sim_swap(number)` gives one, its
/// settings chain, and an operation method (`check`, `retrieve_date`, ...) sends it.
///
/// Cancellation: dropping the future cancels the call (and the token flow it runs); the progress
/// callback can also cancel a token flow by returning [`ControlFlow::Break`].
#[must_use = "a call does nothing until an operation method is awaited"]
pub struct Call<'a, A> {
    pub(crate) operator: &'a Operator,
    pub(crate) subject: Subject,
    pub(crate) deadline: Option<Duration>,
    pub(crate) progress: Option<ProgressFn<'a>>,
    api: PhantomData<A>,
}

impl<A> fmt::Debug for Call<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("subject", &self.subject)
            .field("deadline", &self.deadline)
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a, A> Call<'a, A> {
    pub(crate) fn new(operator: &'a Operator, subject: Subject) -> Self {
        Self {
            operator,
            subject,
            deadline: None,
            progress: None,
            api: PhantomData,
        }
    }

    /// Limits the API call (every attempt, retries included) to `limit` once the token is at hand.
    /// The token flow is bounded by the operator's own expiry (`expires_in`) and by cancellation.
    pub fn deadline(mut self, limit: Duration) -> Self {
        self.deadline = Some(limit);
        self
    }

    /// Calls `progress` before every wait of the token flow (a CIBA flow waiting for the user's
    /// approval); returning [`ControlFlow::Break`] cancels the flow and the call.
    pub fn on_progress(mut self, progress: impl FnMut(Progress) -> ControlFlow<()> + Send + 'a) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// What every operation needs before it sends: the API's client, the token (obtained the
    /// profile's way) and how it was obtained, and the per-call options with the deadline starting
    /// now that the token is at hand.
    pub(crate) async fn prepare(&mut self, operation: Operation) -> Result<Prepared<'a>, Error> {
        let (token, info) = self.token(operation).await?;
        let operator: &'a Operator = self.operator;
        let client = &operator.inner.runtime(operation.api())?.client;
        let options = match self.deadline {
            Some(limit) => CallOptions::new().with_deadline(operator.inner.clock.now() + limit),
            None => CallOptions::new(),
        };
        Ok(Prepared {
            client,
            token,
            info,
            options,
        })
    }
}

/// An operation ready to send ([`Call::prepare`]).
pub(crate) struct Prepared<'a> {
    pub(crate) client: &'a CamaraClient,
    pub(crate) token: AccessToken,
    pub(crate) info: TokenInfo,
    pub(crate) options: CallOptions,
}
