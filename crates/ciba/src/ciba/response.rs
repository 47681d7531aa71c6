//! Handling what comes back for a [`CibaSession`]'s requests: answers, transport failures, and
//! the polling schedule they set (intervals, `slow_down`, back-off, the deadline).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use netid_core::secret::Secret;
use serde::Deserialize;

use super::{AuthReqId, CibaSession, Pending, SLOW_DOWN_STEP, State};
use crate::error::{Error, FlowError, OAuthErrorCode, TransportFailure, UsageError};
use crate::tokens::{self, IdTokenContext};
use crate::wire::{self, Answer, RawTokenResponse};

#[derive(Deserialize)]
struct RawAuthenticationResponse {
    auth_req_id: String,
    expires_in: u64,
    #[serde(default)]
    interval: Option<u64>,
}

impl CibaSession {
    /// Hands over the HTTP answer to the request last returned by `poll_request`, received at `now`.
    ///
    /// # Errors
    ///
    /// The flow's final error: an OAuth error other than `authorization_pending`/`slow_down`, an
    /// undecodable body, an invalid ID token, the deadline, too many transient failures; or
    /// [`UsageError::SessionState`] when no request was in flight. After success that misuse error
    /// is returned without ending the flow: the tokens stay with [`poll_outcome`](Self::poll_outcome).
    pub fn handle_response(&mut self, now: SystemTime, response: http::Response<Bytes>) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Start) {
            State::AuthenticationSent { sent_at } => {
                self.handle_authentication_response(now, sent_at, &response)
            }
            State::PollSent(pending) => self.handle_token_response(now, pending, &response),
            State::Failed(error) => {
                self.state = State::Failed(error.clone());
                Err(error)
            }
            // A stray answer after success is the caller's mistake, not the flow's: the tokens
            // stay available to `poll_outcome`.
            succeeded @ State::Succeeded(_) => {
                self.state = succeeded;
                Err(UsageError::SessionState("handle_response without a request in flight").into())
            }
            _ => {
                Err(self.fail(UsageError::SessionState("handle_response without a request in flight").into()))
            }
        }
    }

    fn handle_authentication_response(
        &mut self,
        now: SystemTime,
        sent_at: SystemTime,
        response: &http::Response<Bytes>,
    ) -> Result<(), Error> {
        let answer =
            wire::classify::<RawAuthenticationResponse>("backchannel authentication response", response)
                .map_err(|err| self.fail(err))?;
        match answer {
            Answer::Success(raw) => {
                let interval = raw
                    .interval
                    .map_or(self.policy.default_interval, Duration::from_secs)
                    .max(self.policy.min_interval);
                let deadline = sent_at
                    .checked_add(Duration::from_secs(raw.expires_in))
                    .unwrap_or(sent_at);
                let pending = Pending {
                    auth_req_id: AuthReqId(Secret::new(raw.auth_req_id)),
                    interval,
                    deadline,
                    next_poll_at: now,
                };
                self.schedule(pending, now, interval)
            }
            Answer::OAuth(error) => Err(self.fail(error.into())),
            Answer::Transient {
                error: Some(error), ..
            } => Err(self.fail(error.into())),
            Answer::Transient { status, error: None } => Err(self.fail(
                FlowError::UnexpectedStatus {
                    status,
                    endpoint: "backchannel authentication",
                }
                .into(),
            )),
        }
    }

    /// Waits `delay` from `now` for the next poll, or ends the flow if that is past the deadline.
    fn schedule(&mut self, mut pending: Pending, now: SystemTime, delay: Duration) -> Result<(), Error> {
        match now.checked_add(delay) {
            Some(next) if next < pending.deadline => {
                pending.next_poll_at = next;
                self.state = State::Waiting(pending);
                Ok(())
            }
            _ => Err(self.fail(FlowError::DeadlineReached.into())),
        }
    }

    fn backoff(&self) -> Duration {
        let factor = 1_u32.checked_shl(self.failures).unwrap_or(u32::MAX);
        self.policy
            .min_interval
            .saturating_mul(factor)
            .min(self.policy.max_backoff)
    }

    fn transient_failure(&mut self, now: SystemTime, pending: Pending) -> Result<(), Error> {
        self.failures = self.failures.saturating_add(1);
        if self.failures > self.policy.max_transient_failures {
            return Err(self.fail(
                FlowError::TooManyFailures {
                    attempts: self.failures,
                }
                .into(),
            ));
        }
        let delay = pending.interval.max(self.backoff());
        self.schedule(pending, now, delay)
    }

    fn handle_token_response(
        &mut self,
        now: SystemTime,
        mut pending: Pending,
        response: &http::Response<Bytes>,
    ) -> Result<(), Error> {
        let answer =
            wire::classify::<RawTokenResponse>("token response", response).map_err(|err| self.fail(err))?;
        match answer {
            Answer::Success(raw) => {
                let context = IdTokenContext {
                    policy: self.provider.config.id_token_handling,
                    nonce: None,
                    auth_req_id: Some(pending.auth_req_id.expose_secret()),
                };
                let status = response.status().as_u16();
                match tokens::token_set(
                    raw,
                    status,
                    response.body(),
                    &self.provider.config,
                    &self.client.client_id,
                    now,
                    context,
                ) {
                    Ok(set) => {
                        self.state = State::Succeeded(Some(Box::new(set)));
                        Ok(())
                    }
                    Err(err) => Err(self.fail(err)),
                }
            }
            Answer::OAuth(error) => match error.code {
                OAuthErrorCode::AuthorizationPending => {
                    self.failures = 0;
                    let interval = pending.interval;
                    self.schedule(pending, now, interval)
                }
                OAuthErrorCode::SlowDown => {
                    self.failures = 0;
                    pending.interval = pending.interval.saturating_add(SLOW_DOWN_STEP);
                    let interval = pending.interval;
                    self.schedule(pending, now, interval)
                }
                _ => Err(self.fail(error.into())),
            },
            // 429 Too Many Requests, or a slow_down with a 5xx: slow down for good.
            Answer::Transient { status, error }
                if status == 429
                    || error
                        .as_ref()
                        .is_some_and(|error| error.code == OAuthErrorCode::SlowDown) =>
            {
                pending.interval = pending.interval.saturating_add(SLOW_DOWN_STEP);
                self.transient_failure(now, pending)
            }
            Answer::Transient { .. } => self.transient_failure(now, pending),
        }
    }

    /// Reports that the request last returned by `poll_request` got no complete answer.
    ///
    /// # Errors
    ///
    /// The flow's final error when the failure is not retryable, happened on the backchannel
    /// request, or exhausted the retry budget; [`UsageError::SessionState`] when no request was in
    /// flight.
    pub fn handle_transport_error(
        &mut self,
        now: SystemTime,
        failure: TransportFailure,
    ) -> Result<(), Error> {
        match std::mem::replace(&mut self.state, State::Start) {
            State::PollSent(pending) if failure.retryable => self.transient_failure(now, pending),
            State::PollSent(_) | State::AuthenticationSent { .. } => Err(self.fail(failure.into())),
            State::Failed(error) => {
                self.state = State::Failed(error.clone());
                Err(error)
            }
            succeeded @ State::Succeeded(_) => {
                self.state = succeeded;
                Err(UsageError::SessionState("handle_transport_error without a request in flight").into())
            }
            _ => Err(self
                .fail(UsageError::SessionState("handle_transport_error without a request in flight").into())),
        }
    }
}
