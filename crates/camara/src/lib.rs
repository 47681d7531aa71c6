//! Typed clients for the CAMARA APIs that mobile operators expose with a 3-legged access token:
//! SIM Swap ([`sim_swap`]), Number Verification ([`number_verification`]), KYC Match
//! ([`kyc_match`]), Device Swap ([`device_swap`]), Number Recycling ([`number_recycling`]), KYC
//! Tenure ([`kyc_tenure`]), KYC Age Verification ([`kyc_age_verification`]), KYC Fill-in
//! ([`kyc_fill_in`]), Call Forwarding Signal ([`call_forwarding_signal`]) and Consent Info
//! ([`consent_info`]).
//!
//! Each API is a module with a submodule per spec version, and each operation a `Request` type with
//! a `Response`, method/path [`Metadata`] and pure conversions to and from
//! `http` types ([`Endpoint`]). [`CamaraClient`] sends them through the
//! [`netid_transport::HttpTransport`] port with the bearer token, an `x-correlator`, an optional
//! deadline and an optional retry policy. Operators are described by data
//! ([`OperatorProfile`]: base URL, spec version, phone-number style, tolerated quirks), never by
//! code paths.
//!
//! What this crate never does: it opens no socket and names no HTTP client or runtime (the
//! transport is injected), obtains no token (take one from `netid-ciba` or anywhere else), reads
//! no clock and draws no randomness except through the injected ports, and never logs a body, a
//! phone number or a token.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use std::time::SystemTime;
//!
//! use netid_camara::number_verification::v2::verify;
//! use netid_camara::{CallOptions, CamaraClient, OperatorProfile};
//! use netid_core::phone::PhoneNumber;
//! use netid_core::test_util::{ManualClock, SeededRandom};
//! use netid_core::token::AccessToken;
//! use netid_transport::test_util::{InstantSleep, ReplayEvent, ReplayTransport};
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! // masstack's base URL has no `number-verification` segment: the profile knows it.
//! let expected = http::Request::post("https://opengateway.masstack.com/v2/verify")
//!     .header("authorization", "Bearer 3-legged")
//!     .header("accept", "application/json")
//!     .header("content-type", "application/json")
//!     .body(bytes::Bytes::from_static(br#"{"phoneNumber": "+34666111333"}"#))?;
//! let answered = http::Response::builder()
//!     .status(200)
//!     .body(bytes::Bytes::from_static(br#"{"devicePhoneNumberVerified": true}"#))?;
//! let transport = Arc::new(ReplayTransport::new([ReplayEvent::new(expected, answered)]));
//!
//! let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
//! let client = CamaraClient::with_details(
//!     transport.clone(),
//!     OperatorProfile::masstack_number_verification_v2(),
//!     Arc::new(clock.clone()),
//!     Arc::new(SeededRandom::new(7)),
//!     Arc::new(InstantSleep::new(clock)),
//! );
//! let number = PhoneNumber::parse_strict("+34666111333")?;
//! let request = verify::Request::plain(number);
//! let answer = block_on(client.send(&AccessToken::new("3-legged"), &request, CallOptions::new()))?;
//! assert!(answer.value.device_phone_number_verified);
//! transport.verify()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Tolerated operator quirks
//!
//! By default a profile tolerates what operators really send ([`profile::Quirk`]): KYC match results
//! as JSON booleans, numbers and booleans sent as strings, phone numbers without `+`, unknown fields
//! and unknown enum values, KYC match scores beside a result other than `"false"` or of 100 in 0.4.
//! Each tolerated deviation is reported in [`Answer::tolerated`] with its JSON path.
//! [`profile::Tolerance::strict`] turns every one of them into a [`DecodeError`]. The rewritten body is
//! then read once, by the strict decoder of the spec version (for KYC Match, `netid_core`'s).
//!
//! # Security
//!
//! Request and response bodies carry personal data. Errors show the HTTP status, the CAMARA code
//! and message, and the failing JSON path; a body is reachable only through
//! [`DecodeError::expose_body`]. Spans carry ids, statuses and durations only.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod call_forwarding_signal;
pub mod client;
pub mod consent_info;
pub mod device_swap;
pub mod endpoint;
pub mod error;
mod full_date;
pub mod kyc_age_verification;
pub mod kyc_fill_in;
pub mod kyc_match;
pub mod kyc_tenure;
pub mod number_recycling;
pub mod number_verification;
pub mod operation;
pub mod profile;
mod retry_after;
pub mod sim_swap;
mod swap;
pub mod telco_finder;
mod wire;

pub use client::{Answer, CallOptions, CamaraClient, CorrelatorEcho, CorrelatorPolicy, RetryPolicy};
pub use endpoint::{Decoded, Endpoint, Metadata, RetryAfter, Target};
pub use error::{CamaraError, DecodeError, DecodeErrorKind, InvalidRequest, OperatorError};
pub use profile::{Api, OperatorProfile, PhoneStyle, Quirk, SpecVersion, Tolerance};
pub use wire::ToleratedQuirk;

/// Fuzzing entry point: decodes `data` as the body of every operation's response (success and
/// error statuses, lenient and strict) and as a `Retry-After` value. Panics only if a decoder
/// panics or if the strict and lenient decoders disagree on a body both accept.
///
/// Not part of the API; `fuzz/fuzz_targets/camara_responses.rs` calls it.
#[doc(hidden)]
pub fn fuzz_decode_responses(data: &[u8]) {
    fn both<E: Endpoint>(response: &netid_transport::HttpResponse)
    where
        E::Response: PartialEq + std::fmt::Debug,
    {
        let lenient = E::from_http_response(response, Tolerance::lenient());
        let strict = E::from_http_response(response, Tolerance::strict());
        if let (Ok(lenient), Ok(strict)) = (&lenient, &strict) {
            assert_eq!(
                lenient.value, strict.value,
                "strict and lenient decoders disagree"
            );
        }
        if let Err(error) = &lenient {
            // Display must never fail nor echo the body.
            let _ = error.to_string();
        }
    }
    let body = bytes::Bytes::copy_from_slice(data);
    for status in [200_u16, 400, 429, 503] {
        let mut response = netid_transport::HttpResponse::new(body.clone());
        if let Ok(code) = http::StatusCode::from_u16(status) {
            *response.status_mut() = code;
        }
        both::<sim_swap::v1::check::Request>(&response);
        both::<sim_swap::v1::retrieve_date::Request>(&response);
        both::<sim_swap::v2::check::Request>(&response);
        both::<sim_swap::v2::retrieve_date::Request>(&response);
        both::<number_verification::v2::verify::Request>(&response);
        both::<number_verification::v2::device_phone_number::Request>(&response);
        both::<kyc_match::v0_2::Request>(&response);
        both::<kyc_match::v0_4::Request>(&response);
        both::<device_swap::v1::check::Request>(&response);
        both::<device_swap::v1::retrieve_date::Request>(&response);
        both::<number_recycling::v0_2::check::Request>(&response);
        both::<kyc_tenure::v0_2::check_tenure::Request>(&response);
        both::<kyc_age_verification::v0_2::Request>(&response);
        both::<kyc_fill_in::v0_4::Request>(&response);
        both::<call_forwarding_signal::v0_4::unconditional_call_forwardings::Request>(&response);
        both::<call_forwarding_signal::v0_4::call_forwardings::Request>(&response);
        both::<consent_info::v0_2::retrieve::Request>(&response);
        // Telco Finder decoders: any body gives an outcome or a typed error.
        if let Err(error) = telco_finder::search::from_http_response(&response) {
            let _ = error.to_string();
        }
        if let Err(error) = telco_finder::routing::from_http_response(&response) {
            let _ = error.to_string();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = RetryAfter::parse(text);
    }
}
