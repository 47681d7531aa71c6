//! `netid demo`: the project's main job. Starts the reference operator ([`netid_server`]) on
//! loopback and runs every flow against it over real HTTP, through the facade only: one
//! [`Operator`] built from an operator description naming the sandbox, its APIs and the
//! sandbox's demo client:
//!
//! 1. `server`: start the sandbox (fast CIBA timings: interval 1 s, approvals after 1 s, requests
//!    expiring after [`DemoOptions::with_ciba_expires_in`]);
//! 2. `discovery`: OpenID discovery and JWKS ([`Operator::provider`]);
//! 3. `ciba`: CIBA poll mode with `private_key_jwt` for a subscriber named by phone number;
//! 4. `kyc-match`: KYC Match 0.4 with that token (a table of field, result, score);
//! 5. `sim-swap-check` and `sim-swap-retrieve-date` (SIM Swap 2.1), `device-swap-retrieve-date`
//!    (Device Swap 1.0), `number-recycling-check` (Number Recycling 0.2) and `kyc-tenure-check` (KYC
//!    Tenure 0.2), `kyc-age-verification` and `kyc-fill-in`, `call-forwarding-signal`
//!    (Call Forwarding Signal 0.4: unconditional, then every active forwarding) and `consent-info`
//!    (Consent Info 0.2: a valid consent, an expired one, a capture URL);
//! 6. `ciba-mobile-network`: CIBA with an `ipport:` hint, so the operator authenticates the device
//!    through its network, as Number Verification requires;
//! 7. `number-verification-verify` (plain) with that token, `number-verification-verify-hashed` and
//!    `number-verification-device-phone-number` with a fresh token each (Number Verification tokens
//!    are single-use);
//! 8. `ciba-denied` and `ciba-expired`: a subscriber who refuses and one who never answers;
//! 9. `saml-sign-in`: an `AuthnRequest` by HTTP-Redirect to the sandbox IdP, its auto-POST form, and
//!    the `Response` verified by `netid-saml`'s `ResponseVerifier` (`netid::crates::saml`).
//! 10. `route`: the sandbox's Telco Finder names the operator of the subscriber's number, and of a
//!     number of the operator the sandbox hosts beside itself ([`netid::TelcoFinder`], a
//!     client-credentials token), and each operator is built.
//!
//! Each step checks what the sandbox's reference data says it must answer; the run is `ok` when
//! every step is. [`run`] returns a [`DemoReport`] (serialisable: `netid demo --json` prints it)
//! and, with [`Output::Human`], writes the steps to stdout as they finish, with a live spinner
//! during CIBA waits when stdout is a terminal.
//!
//! Never shown: tokens, keys, `auth_req_id`s, assertions. Phone numbers appear masked (their
//! `Display`), names and SAML values through [`crate::mask`].

//!
//! Rooms: `record` holds the report types and the recorder every step shares; `setup` starts
//! the sandbox and builds the operator (`server`, `discovery`), `ciba`, `camara` and `saml` run
//! their steps, `data` is the sandbox's reference data. This module orders the steps.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use netid::{Operation, Operator, Subject};
use netid_core::scope::{ApiScope, Scope};
use netid_core::token::AccessToken;

use crate::ciba_flow::CibaOutcome;
use crate::exit;

mod camara;
mod ciba;
mod data;
mod kyc_identity;
mod record;
mod route;
mod saml;
mod setup;
mod subscriber_line;

pub use record::{DemoReport, Output, Step};
use record::{Failed, Recorder};
use setup::Sandbox;

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    output: Output,
    ciba_expires_in: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DemoOptions {
    /// Quiet output; CIBA requests expire after 3 s (the `ciba-expired` step waits that long).
    pub fn new() -> Self {
        Self {
            output: Output::Quiet,
            ciba_expires_in: Duration::from_secs(3),
        }
    }

    /// Sets the output.
    pub fn with_output(mut self, output: Output) -> Self {
        self.output = output;
        self
    }

    /// Sets the sandbox's CIBA `expires_in` (at least 2 s, so approvals after 1 s still land).
    pub fn with_ciba_expires_in(mut self, expires_in: Duration) -> Self {
        self.ciba_expires_in = expires_in.max(Duration::from_secs(2));
        self
    }
}

/// `netid demo` flags.
#[derive(Debug, Clone, clap::Args)]
#[non_exhaustive]
pub struct DemoArgs {
    /// Print one JSON document (`ok`, `seconds`, `steps`) instead of the human output.
    #[arg(long)]
    pub json: bool,
}

/// `netid demo`: runs [`run`] on a multi-threaded tokio runtime and prints the human output or,
/// with `--json`, the [`DemoReport`]. Returns the exit status: 0 when every step is ok, 1 otherwise.
pub fn command(args: &DemoArgs) -> u8 {
    let output = if args.json {
        Output::Quiet
    } else {
        Output::Human {
            spinner: io::stderr().is_terminal(),
        }
    };
    exit::block_on("demo", async {
        let report = run(DemoOptions::new().with_output(output)).await;
        if args.json {
            let text = serde_json::to_string_pretty(&report).unwrap_or_else(|error| {
                format!(r#"{{"ok": false, "error": "cannot serialise the report: {error}"}}"#)
            });
            let _ = writeln!(io::stdout().lock(), "{text}");
        }
        if report.ok { exit::OK } else { exit::FAILED }
    })
}

/// Runs the whole demo and reports every step. Never panics and never returns early: a failed
/// step is recorded and the steps that depend on it are recorded as not run.
pub async fn run(options: DemoOptions) -> DemoReport {
    let started = Instant::now();
    let mut recorder = Recorder::new(options.output);
    recorder.line("netid demo: every flow against the embedded reference operator, over HTTP on loopback");

    let t = Instant::now();
    let sandbox = match setup::start(options.ciba_expires_in).await {
        Ok((sandbox, done)) => {
            recorder.record("server", t, Ok(done));
            sandbox
        }
        Err(failed) => {
            recorder.record("server", t, Err(failed));
            return recorder.finish(started);
        }
    };
    run_steps(&mut recorder, &sandbox).await;
    sandbox.server.shutdown().await;
    recorder.finish(started)
}

/// The steps after `server`, in order; those whose prerequisite failed are recorded as not run.
async fn run_steps(recorder: &mut Recorder, sandbox: &Sandbox) {
    let operator = &sandbox.operator;
    let t = Instant::now();
    let discovered = match setup::discover(operator).await {
        Ok((_, done)) => recorder.record("discovery", t, Ok(done)),
        Err(failed) => recorder.record("discovery", t, Err(failed)),
    };

    // CIBA for the subscriber of the Orange France KYC Match page, then the APIs with that token.
    // One token serves eleven operations of nine APIs, so its scope is built here rather than taken
    // from `Operator::scope`, which gives one operation's.
    let token = if discovered {
        let scope = several(
            operator,
            [
                ApiScope::KycMatchMatch,
                ApiScope::SimSwapCheck,
                ApiScope::SimSwapRetrieveDate,
                ApiScope::DeviceSwapRetrieveDate,
                ApiScope::NumberRecyclingCheck,
                ApiScope::KycTenureCheckTenure,
                ApiScope::KycAgeVerificationVerify,
                ApiScope::KycFillInSetAll,
                ApiScope::CallForwardingSignalUnconditionalRead,
                ApiScope::CallForwardingSignalCallForwardingsRead,
                ApiScope::ConsentInfoRetrieve,
            ],
        );
        let name = "ciba";
        ciba::step(recorder, operator, name, data::PETER, scope, CibaOutcome::Granted).await
    } else {
        recorder.skip(&["ciba"], "discovery");
        None
    };
    subscriber_calls(recorder, operator, token.as_ref()).await;

    // Number Verification needs a token from an authentication through the mobile network; it
    // serves both of the API's operations, so its scope is built here too.
    let token = if discovered {
        let scope = several(
            operator,
            [
                ApiScope::NumberVerificationVerify,
                ApiScope::NumberVerificationDevicePhoneNumberRead,
            ],
        );
        let name = "ciba-mobile-network";
        ciba::step(
            recorder,
            operator,
            name,
            data::DEVICE_IPPORT,
            scope,
            CibaOutcome::Granted,
        )
        .await
    } else {
        recorder.skip(&["ciba-mobile-network"], "discovery");
        None
    };
    device_calls(recorder, operator, token.as_ref()).await;

    // The flows that end without a token: each asks what one SIM Swap check would.
    match operator.scope(Operation::SimSwapCheck) {
        Ok(scope) if discovered => {
            let flows = [
                ("ciba-denied", data::CAMILLE, CibaOutcome::Denied),
                ("ciba-expired", data::NEVER, CibaOutcome::Expired),
            ];
            for (name, hint, expected) in flows {
                ciba::step(recorder, operator, name, hint, scope.clone(), expected).await;
            }
        }
        Ok(_) => recorder.skip(&["ciba-denied", "ciba-expired"], "discovery"),
        Err(error) => {
            let message = error.to_string();
            for name in ["ciba-denied", "ciba-expired"] {
                recorder.record(name, Instant::now(), Err(Failed::from(&message)));
            }
        }
    }

    let t = Instant::now();
    let result = saml::sign_in(sandbox.transport.as_ref(), &sandbox.server).await;
    recorder.record("saml-sign-in", t, result);

    let t = Instant::now();
    let result = route::route(sandbox, data::PETER.trim_start_matches("tel:")).await;
    recorder.record("route", t, result);
}

/// The scope of one token for several operations: the operator's purpose and `apis`.
fn several<const N: usize>(operator: &Operator, apis: [ApiScope; N]) -> Scope {
    Scope::builder(operator.purpose().clone()).apis(apis).build()
}

/// KYC Match, SIM Swap, Device Swap, Number Recycling, KYC Tenure, KYC Age Verification and KYC
/// Fill-in with the subscriber's token, or not run without one.
async fn subscriber_calls(recorder: &mut Recorder, operator: &Operator, token: Option<&AccessToken>) {
    let Some(token) = token else {
        let names = [
            "kyc-match",
            "sim-swap-check",
            "sim-swap-retrieve-date",
            "device-swap-retrieve-date",
            "number-recycling-check",
            "kyc-tenure-check",
            "kyc-age-verification",
            "kyc-fill-in",
            "call-forwarding-signal",
            "consent-info",
        ];
        recorder.skip(&names, "ciba");
        return;
    };
    let t = Instant::now();
    let result = camara::kyc_match(operator, token).await;
    recorder.record("kyc-match", t, result);
    let t = Instant::now();
    let result = camara::sim_swap_check(operator, token).await;
    recorder.record("sim-swap-check", t, result);
    let t = Instant::now();
    let result = camara::sim_swap_retrieve_date(operator, token).await;
    recorder.record("sim-swap-retrieve-date", t, result);
    let t = Instant::now();
    let result = subscriber_line::device_swap_retrieve_date(operator, token).await;
    recorder.record("device-swap-retrieve-date", t, result);
    let t = Instant::now();
    let result = subscriber_line::number_recycling_check(operator, token).await;
    recorder.record("number-recycling-check", t, result);
    let t = Instant::now();
    let result = subscriber_line::kyc_tenure_check(operator, token).await;
    recorder.record("kyc-tenure-check", t, result);
    let t = Instant::now();
    let result = kyc_identity::age_verification(operator, token).await;
    recorder.record("kyc-age-verification", t, result);
    let t = Instant::now();
    let result = kyc_identity::fill_in(operator, token).await;
    recorder.record("kyc-fill-in", t, result);
    let t = Instant::now();
    let result = camara::call_forwarding(operator, token).await;
    recorder.record("call-forwarding-signal", t, result);
    let t = Instant::now();
    let result = camara::consent_info(operator, token).await;
    recorder.record("consent-info", t, result);
}

/// Number Verification with the device's token, or not run without one.
async fn device_calls(recorder: &mut Recorder, operator: &Operator, token: Option<&AccessToken>) {
    let Some(token) = token else {
        let names = [
            "number-verification-verify",
            "number-verification-verify-hashed",
            "number-verification-device-phone-number",
        ];
        recorder.skip(&names, "ciba-mobile-network");
        return;
    };
    // A Number Verification token is single-use: the CIBA step's token serves the first call, and
    // the facade obtains a fresh one for each of the others from the device's login hint.
    let device = || match data::DEVICE_IPPORT.parse() {
        Ok(hint) => Ok(Subject::login_hint(hint)),
        Err(error) => Err(Failed::from(error)),
    };
    let t = Instant::now();
    let result = camara::nv_verify(operator, Subject::access_token(token.clone()), false).await;
    recorder.record("number-verification-verify", t, result);
    let t = Instant::now();
    let result = match device() {
        Ok(subject) => camara::nv_verify(operator, subject, true).await,
        Err(failed) => Err(failed),
    };
    recorder.record("number-verification-verify-hashed", t, result);
    let t = Instant::now();
    let result = match device() {
        Ok(subject) => camara::nv_device_phone_number(operator, subject).await,
        Err(failed) => Err(failed),
    };
    recorder.record("number-verification-device-phone-number", t, result);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_keep_expiry_above_the_approval_delay() {
        let check = |given: Duration, expected: Duration| {
            let options = DemoOptions::new().with_ciba_expires_in(given);
            assert_eq!(options.ciba_expires_in, expected, "{given:?}");
        };
        check(Duration::from_millis(10), Duration::from_secs(2));
        check(Duration::from_secs(5), Duration::from_secs(5));
    }
}
