//! One call's behaviour: the attempt loop (deadline, retry, backoff), decoding into an [`Answer`],
//! the correlator check and the `tracing` record of the outcome.

use std::time::{Duration, SystemTime};

use netid_core::correlator::XCorrelator;
use netid_core::token::AccessToken;
use netid_transport::{HttpRequest, HttpResponse, Origin, TransportError};

use super::{Answer, CamaraClient, CorrelatorEcho, CorrelatorPolicy, race};
use crate::endpoint::{Endpoint, Target, X_CORRELATOR};
use crate::error::CamaraError;

impl CamaraClient {
    /// Runs the attempt loop of [`CamaraClient::send`] inside its span.
    pub(super) async fn run<E: Endpoint>(
        &self,
        token: &AccessToken,
        request: &E,
        correlator: XCorrelator,
        deadline: Option<SystemTime>,
        span: &tracing::Span,
    ) -> Result<Answer<E::Response>, CamaraError> {
        let started = self.clock.now();
        let target = Target::new(self.profile.base_url(), token, &correlator)
            .with_phone_style(self.profile.phone_style());
        let mut attempt = 0_u32;
        let result = loop {
            if deadline.is_some_and(|deadline| self.clock.now() >= deadline) {
                break Err(CamaraError::Deadline { attempts: attempt });
            }
            attempt += 1;
            let http_request = match request.to_http_request(&target) {
                Ok(http_request) => http_request,
                Err(error) => break Err(error.into()),
            };
            let origin = Origin::of(http_request.uri());
            let Some(exchanged) = self.exchange(http_request, deadline).await else {
                break Err(CamaraError::Deadline { attempts: attempt });
            };
            let (error, retryable, retry_after) = match exchanged {
                Err(source) => {
                    let retryable = source.is_retryable();
                    (CamaraError::Transport { origin, source }, retryable, None)
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    span.record("status", status);
                    match E::from_http_response(&response, self.profile.tolerance()) {
                        Ok(decoded) => {
                            let echo = echo_of(&response, &correlator);
                            break self.answer(decoded, status, correlator.clone(), echo, attempt);
                        }
                        Err(error) => {
                            // An error response is checked like a success: under `Require`, a
                            // response that may belong to another call is not retried or trusted.
                            let echo = echo_of(&response, &correlator);
                            if let Err(mismatch) = self.check_echo(&correlator, &echo) {
                                break Err(mismatch);
                            }
                            let retry_after = error.retry_after();
                            (error, matches!(status, 429 | 502 | 503 | 504), retry_after)
                        }
                    }
                }
            };
            if !retryable || attempt >= self.retry.max_attempts {
                break Err(error);
            }
            let now = self.clock.now();
            let delay = match retry_after {
                Some(retry_after) => retry_after.delay_from(now),
                None => match self.unit_random() {
                    Ok(unit) => self.retry.backoff(attempt, unit),
                    Err(random) => break Err(random),
                },
            };
            let past_deadline =
                |deadline: SystemTime| now.checked_add(delay).is_none_or(|end| end >= deadline);
            if delay > self.retry.max_delay || deadline.is_some_and(past_deadline) {
                break Err(error);
            }
            tracing::debug!(attempt, delay_ms = duration_ms(delay), "retrying");
            self.sleep.sleep(delay).await;
        };
        let elapsed = self.clock.now().duration_since(started).unwrap_or_default();
        span.record("latency_ms", duration_ms(elapsed));
        span.record("attempts", attempt);
        match &result {
            Ok(_) => tracing::debug!("call succeeded"),
            // Kind, status and code only: the error's Display may quote the operator's message.
            Err(error) => tracing::debug!(
                error.kind = error.kind(),
                error.status = error.status(),
                error.code = error.as_operator().map(|operator| operator.code().as_str()),
                "call failed"
            ),
        }
        result
    }

    fn answer<T>(
        &self,
        decoded: crate::endpoint::Decoded<T>,
        status: u16,
        correlator: XCorrelator,
        echo: CorrelatorEcho,
        attempts: u32,
    ) -> Result<Answer<T>, CamaraError> {
        for quirk in &decoded.tolerated {
            tracing::debug!(quirk = quirk.quirk.as_str(), path = %quirk.path, "tolerated a deviation from the spec");
        }
        self.check_echo(&correlator, &echo)?;
        Ok(Answer {
            value: decoded.value,
            status,
            correlator,
            echo,
            tolerated: decoded.tolerated,
            attempts,
            spec: self.profile.spec(),
        })
    }

    /// Applies the correlator policy to a response's echo (success or error): a mismatch is an error
    /// under [`CorrelatorPolicy::Require`], a warning event otherwise.
    fn check_echo(&self, correlator: &XCorrelator, echo: &CorrelatorEcho) -> Result<(), CamaraError> {
        if *echo == CorrelatorEcho::Echoed {
            return Ok(());
        }
        let received = match echo {
            CorrelatorEcho::Different(received) => Some(received.clone()),
            _ => None,
        };
        if self.correlator_policy == CorrelatorPolicy::Require {
            return Err(CamaraError::CorrelatorMismatch {
                sent: correlator.clone(),
                received,
            });
        }
        if received.is_some() {
            tracing::warn!("the response x-correlator differs from the request's");
        }
        Ok(())
    }

    /// Sends one request; `None` if the deadline passed first.
    async fn exchange(
        &self,
        request: HttpRequest,
        deadline: Option<SystemTime>,
    ) -> Option<Result<HttpResponse, TransportError>> {
        let send = self.transport.send(request);
        let Some(deadline) = deadline else {
            return Some(send.await);
        };
        let remaining = deadline.duration_since(self.clock.now()).unwrap_or_default();
        race(send, self.sleep.sleep(remaining)).await
    }

    /// A uniform random number in `[0, 1)` from the random port.
    fn unit_random(&self) -> Result<f64, CamaraError> {
        let mut bytes = [0_u8; 8];
        self.rng.fill(&mut bytes).map_err(CamaraError::Random)?;
        // 53 random bits fill an f64 mantissa exactly, so the conversion is lossless.
        let bits = u64::from_le_bytes(bytes) >> 11;
        #[allow(clippy::cast_precision_loss)]
        Ok(bits as f64 / (1_u64 << 53) as f64)
    }
}

fn echo_of(response: &HttpResponse, sent: &XCorrelator) -> CorrelatorEcho {
    match response.headers().get(X_CORRELATOR) {
        None => CorrelatorEcho::Missing,
        Some(value) if value.as_bytes() == sent.as_str().as_bytes() => CorrelatorEcho::Echoed,
        Some(value) => CorrelatorEcho::Different(String::from_utf8_lossy(value.as_bytes()).into_owned()),
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
