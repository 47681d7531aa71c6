//! What an API command reports: one object with `--json`, a few lines for humans.

use serde::Serialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use netid::description::ResolvedApi;
use netid::{DeviceSwapDate, KycTenure, Operation, Operator, SimSwapDate};
use netid_core::kyc::KycMatchResult;

use crate::ciba_flow::{self, CibaOutcome};
use crate::envelope::Failure;
use crate::exit;

/// How the command got its token.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct TokenUse {
    /// `ciba` or `environment`.
    pub source: &'static str,
    /// The CIBA outcome (`granted`, `denied`, `expired`, `error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CibaOutcome>,
    /// Token requests sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polls: Option<u32>,
    /// The scope requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The OAuth error code, when CIBA ended on one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What went wrong, when CIBA did not grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The operator `--route` resolved (`route` in the report).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Route {
    /// The operator the Telco Finder named.
    pub operator_id: String,
    /// The root URL of its API gateway.
    pub api_root: String,
}

/// What a failed call reports (never a body: it may carry personal data).
pub type CallFailure = Failure;

/// What an API command prints (`--json`).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ApiReport {
    /// `kyc-match`, `sim-swap` or `number-verification`.
    pub api: &'static str,
    /// `match`, `check`, `retrieve-date`, `verify`, `device-phone-number`.
    pub operation: &'static str,
    /// The profile's operator name (`orange-spain`, `camara`).
    pub operator: String,
    /// The spec version the profile follows.
    pub version: &'static str,
    /// The operator the Telco Finder resolved (`--route`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<Route>,
    /// Whether the call succeeded.
    pub ok: bool,
    /// `succeeded`, `denied` or `expired` (no token), `failed`, `cancelled`, `usage_error`.
    pub outcome: &'static str,
    /// How the token was obtained.
    pub token: TokenUse,
    /// The HTTP status of the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `x-correlator` sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlator: Option<String>,
    /// Deviations from the spec the profile tolerated (`quirk`, JSON `path`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerated: Vec<Value>,
    /// The decoded answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Why the call failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<CallFailure>,
    /// Whether the failure is the caller's to fix (exit status 2).
    #[serde(skip)]
    pub usage: bool,
}

impl ApiReport {
    /// The report of `operation` at `operator` before anything ran: not ok, the token by CIBA
    /// unless the command was given one. Without an operator (`--route` before it resolved) the
    /// operator, version and scope are unknown.
    pub(super) fn new(operator: Option<&Operator>, operation: Operation, token_given: bool) -> Self {
        let profile = operator
            .and_then(|operator| operator.api(operation.api()).ok())
            .map(ResolvedApi::profile);
        Self {
            api: operation.api().as_str(),
            operation: operation.as_str(),
            operator: profile
                .map(|profile| profile.client().name().to_owned())
                .unwrap_or_default(),
            version: profile.map(|profile| profile.spec().as_str()).unwrap_or_default(),
            route: None,
            ok: false,
            outcome: "failed",
            token: TokenUse {
                source: if token_given { "environment" } else { "ciba" },
                outcome: None,
                polls: None,
                scope: operator
                    .filter(|_| !token_given)
                    .and_then(|operator| operator.scope(operation).ok())
                    .map(|scope| scope.to_string()),
                error: None,
                message: None,
            },
            status: None,
            correlator: None,
            tolerated: Vec::new(),
            result: None,
            error: None,
            usage: false,
        }
    }

    /// Records why the call failed: the token flow's outcome and OAuth code, or the call's status
    /// and CAMARA code.
    pub(super) fn fail(&mut self, error: &netid::Error) {
        let mut failure = Failure::new(error.kind(), error.to_string());
        match error {
            netid::Error::Token { source, polls } => {
                let outcome = ciba_flow::classify_error(source);
                self.outcome = match outcome {
                    CibaOutcome::Denied => "denied",
                    CibaOutcome::Expired => "expired",
                    CibaOutcome::Cancelled => "cancelled",
                    _ => "failed",
                };
                self.token.outcome = Some(outcome);
                self.token.polls = *polls;
                self.token.error = ciba_flow::oauth_code(source);
                self.token.message = Some(source.to_string());
                failure.code = self.token.error.clone();
                failure.message = source.to_string();
            }
            netid::Error::Call(call) => {
                failure.status = call.status();
                failure.code = call
                    .as_operator()
                    .map(|operator| operator.code().as_str().to_owned());
                failure.message = call.to_string();
                self.status = call.status();
            }
            other if other.is_usage() => {
                self.usage = true;
                self.outcome = "usage_error";
            }
            _ => {}
        }
        self.error = Some(failure);
    }

    /// Records that Ctrl-C ended the command before the call was answered.
    pub(super) fn cancel(&mut self) {
        self.outcome = "cancelled";
        if self.token.source == "ciba" && self.token.outcome.is_none() {
            self.token.outcome = Some(CibaOutcome::Cancelled);
        }
        self.error = Some(Failure::new(
            "cancelled",
            "interrupted (Ctrl-C) before the call was answered",
        ));
    }

    /// The exit status this report implies.
    pub fn exit_status(&self) -> u8 {
        match (self.ok, self.usage, self.outcome) {
            (true, ..) => exit::OK,
            (false, true, _) => exit::USAGE,
            (false, false, "cancelled") => exit::CANCELLED,
            (false, false, _) => exit::FAILED,
        }
    }
}

fn rfc3339(at: Option<time::OffsetDateTime>) -> Value {
    at.and_then(|at| at.format(&Rfc3339).ok())
        .map_or(Value::Null, Value::from)
}

/// A retrieve-date answer: `monitoredPeriod` only when the operator gave one.
pub(super) fn sim_swap_date(date: &SimSwapDate) -> Value {
    let mut value = json!({"latestSimChange": rfc3339(date.latest_sim_change)});
    if let (Some(period), Value::Object(map)) = (date.monitored_period, &mut value) {
        map.insert("monitoredPeriod".to_owned(), Value::from(period));
    }
    value
}

/// A Device Swap retrieve-date answer: `monitoredPeriod` only when the operator gave one.
pub(super) fn device_swap_date(date: &DeviceSwapDate) -> Value {
    let mut value = json!({"latestDeviceChange": rfc3339(date.latest_device_change)});
    if let (Some(period), Value::Object(map)) = (date.monitored_period, &mut value) {
        map.insert("monitoredPeriod".to_owned(), Value::from(period));
    }
    value
}

/// A KYC Tenure answer, with the date asked: `contractType` only when the operator gave one.
pub(super) fn kyc_tenure(tenure: &KycTenure, tenure_date: time::Date) -> Value {
    let mut value = json!({
        "tenureDateCheck": tenure.tenure_date_check,
        "tenureDate": tenure_date.to_string(),
    });
    if let (Some(kind), Value::Object(map)) = (&tenure.contract_type, &mut value) {
        map.insert("contractType".to_owned(), Value::from(kind.as_str()));
    }
    value
}

pub(super) fn kyc_result(result: &KycMatchResult) -> Value {
    let fields: Vec<Value> = result
        .iter()
        .map(|(field, found)| {
            json!({
                "field": field.as_str(),
                "result": found.result.as_str(),
                "score": found.score.map(|score| score.value()),
            })
        })
        .collect();
    json!({ "fields": fields })
}

/// The human form of a report.
pub fn human(report: &ApiReport) -> String {
    let mut text = format!(
        "{} {} · {} {}",
        report.api, report.operation, report.operator, report.version
    );
    if let Some(route) = &report.route {
        text.push_str(&format!(
            " · routed to {} ({})",
            route.operator_id, route.api_root
        ));
    }
    if let (Some(outcome), Some(polls)) = (report.token.outcome, report.token.polls) {
        text.push_str(&format!(" · token by CIBA: {outcome} after {polls} poll(s)"));
    }
    if let Some(status) = report.status {
        text.push_str(&format!(" · HTTP {status}"));
    }
    if let Some(error) = &report.error {
        text.push_str(&format!("\nfailed ({}): {}", error.kind, error.message));
        return text;
    }
    match &report.result {
        Some(Value::Object(map)) if map.contains_key("fields") => {
            text.push_str(&format!("\n  {:<28} {:<14} {}", "field", "result", "score"));
            for field in map["fields"].as_array().into_iter().flatten() {
                let score = field["score"]
                    .as_u64()
                    .map_or_else(|| String::from("-"), |s| s.to_string());
                text.push_str(&format!(
                    "\n  {:<28} {:<14} {score}",
                    field["field"].as_str().unwrap_or("?"),
                    field["result"].as_str().unwrap_or("?"),
                ));
            }
        }
        Some(Value::Object(map)) => {
            for (key, value) in map {
                text.push_str(&format!("\n  {key}: {value}"));
            }
        }
        _ => {}
    }
    for quirk in &report.tolerated {
        text.push_str(&format!("\n  tolerated {} at {}", quirk["quirk"], quirk["path"]));
    }
    text
}
