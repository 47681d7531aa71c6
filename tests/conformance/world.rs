//! The state of one scenario: the request being built, then the response being checked.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::report::Outcome;
use crate::sandbox::{Conformance, MAIN, NUMBER_VERIFICATION};
use crate::schema::Spec;
use crate::steps::{Kind, Planned, Verdict};

/// The operation a feature file tests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
}

impl Operation {
    /// The API of the operation (`kyc-match`, `sim-swap`, `device-swap`, ...).
    pub(crate) fn api(&self) -> &'static str {
        self.path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
    }
}

/// The request body as the scenario sets it.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Absent,
    Json(Map<String, Value>),
    Raw(String),
}

/// The answer of the sandbox.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    /// `Null` when the body is not JSON.
    pub(crate) body: Value,
}

/// The KYC record of [`MAIN`] in `subscribers.toml`, by request property.
pub(crate) const MAIN_KYC: &[(&str, &str)] = &[
    ("idDocument", "66666666q"),
    ("idDocumentType", "passport"),
    ("idDocumentExpiryDate", "2030-01-31"),
    ("name", "Federica Sanchez Arjona"),
    ("givenName", "Federica"),
    ("familyName", "Sanchez Arjona"),
    ("nameKanaHankaku", "ﾌｪﾃﾞﾘｶ ｻﾝﾁｪｽ"),
    ("nameKanaZenkaku", "フェデリカ　サンチェス"),
    ("middleNames", "Maria"),
    ("familyNameAtBirth", "Arjona"),
    ("address", "Tokyo-to Chiyoda-ku Iidabashi 3-10-10"),
    ("streetName", "Nicolas Salmeron"),
    ("streetNumber", "4"),
    ("postalCode", "1028460"),
    ("region", "Tokyo"),
    ("locality", "ZZZZ"),
    ("country", "JP"),
    ("houseNumberExtension", "36"),
    ("birthdate", "1978-08-22"),
    ("email", "abc@example.com"),
    ("gender", "OTHER"),
    ("cityOfBirth", "Madrid"),
    ("countryOfBirth", "ES"),
    ("nationality", "ES"),
];

/// The value on file for a KYC request property of [`MAIN`].
pub(crate) fn on_file(property: &str) -> Option<&'static str> {
    MAIN_KYC.iter().find(|(k, _)| *k == property).map(|(_, v)| *v)
}

/// A well-formed value of `property` that differs from the one on file, close enough for a score.
pub(crate) fn mismatch(property: &str) -> Value {
    let value = on_file(property).unwrap_or("x");
    let other = match property {
        "idDocumentType" => "national_id_card".to_owned(),
        "idDocumentExpiryDate" => "2031-02-28".to_owned(),
        "birthdate" => "1980-01-01".to_owned(),
        "country" | "countryOfBirth" | "nationality" => "FR".to_owned(),
        "gender" => "FEMALE".to_owned(),
        "email" => format!("x{value}"),
        "postalCode" | "streetNumber" | "houseNumberExtension" => format!("{value}9"),
        _ => format!("{value}x"),
    };
    Value::String(other)
}

/// One scenario in progress.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) conformance: Arc<Conformance>,
    pub(crate) spec: Arc<Spec>,
    pub(crate) operation: Operation,
    /// Request headers by lowercase name.
    pub(crate) headers: BTreeMap<String, String>,
    pub(crate) body: Body,
    pub(crate) response: Option<Response>,
    /// The property a step set to its value on file (for "the correspondent score property").
    pub(crate) matched_property: Option<String>,
    /// The method a "the HTTP X request is sent" step named.
    pub(crate) method: Option<String>,
    /// Whether the body still holds the default body's identifier.
    pub(crate) default_identifier: bool,
}

impl World {
    pub(crate) fn new(conformance: Arc<Conformance>, spec: Arc<Spec>, operation: Operation) -> Self {
        let mut world = Self {
            conformance,
            spec,
            operation,
            headers: BTreeMap::new(),
            body: Body::Absent,
            response: None,
            matched_property: None,
            method: None,
            default_identifier: false,
        };
        world.body = world.default_body();
        world.default_identifier = operation.api() == "number-verification";
        world
    }

    /// A body compliant with the schema that the default token makes meaningful.
    pub(crate) fn default_body(&self) -> Body {
        match self.operation.api() {
            _ if self.operation.method == "GET" => Body::Absent,
            "kyc-match" => Body::Json(kyc_combination(&["givenName", "familyName"])),
            "number-verification" => Body::Json(object(json!({ "phoneNumber": MAIN }))),
            "kyc-age-verification" => Body::Json(object(json!({ "ageThreshold": 18 }))),
            "consent-info" => Body::Json(object(json!({
                "scopes": ["sim-swap:check"],
                "purpose": "dpv:FraudPreventionAndDetection",
                "requestCaptureUrl": false,
            }))),
            _ => match crate::steps::default_date(self) {
                Some((name, date)) => Body::Json(object(json!({ name: date }))),
                None => Body::Json(Map::new()),
            },
        }
    }

    /// The JSON body, turned into an object first if the scenario had set none.
    pub(crate) fn json_body(&mut self) -> &mut Map<String, Value> {
        if !matches!(self.body, Body::Json(_)) {
            self.body = Body::Json(Map::new());
        }
        match &mut self.body {
            Body::Json(map) => map,
            // Set just above.
            _ => unreachable!("body is JSON"),
        }
    }

    /// The `phoneNumber` of the JSON body, if any.
    pub(crate) fn body_number(&self) -> Option<&str> {
        match &self.body {
            Body::Json(map) => map.get("phoneNumber").and_then(Value::as_str),
            _ => None,
        }
    }

    /// Sets the `Authorization` header.
    pub(crate) fn authorize(&mut self, value: &str) {
        self.headers.insert("authorization".to_owned(), value.to_owned());
    }

    /// The response, or a failure naming the missing request.
    pub(crate) fn response(&self) -> Result<&Response, Verdict> {
        self.response
            .as_ref()
            .ok_or_else(|| Verdict::Failed("no request was sent".to_owned()))
    }

    /// Runs the planned steps: every setup step in file order, the request, then every check.
    /// (Some files list setup steps after `When`; the sandbox needs them before sending.)
    pub(crate) async fn run(&mut self, plan: &[Planned<'_>]) -> Outcome {
        for kind in [Kind::Setup, Kind::Send, Kind::Check] {
            for step in plan.iter().filter(|s| s.step.kind == kind) {
                if let Err(verdict) = (step.step.run)(self, &step.args) {
                    return match verdict {
                        Verdict::NotApplicable(reason) => Outcome::NotApplicable(reason),
                        Verdict::Failed(why) => Outcome::Failing(format!("{}: {why}", step.text)),
                    };
                }
            }
            if kind == Kind::Send
                && let Err(why) = self.send().await
            {
                return Outcome::Failing(why);
            }
        }
        Outcome::Passed
    }

    async fn send(&mut self) -> Result<(), String> {
        let method = self
            .method
            .clone()
            .unwrap_or_else(|| self.operation.method.to_owned());
        let mut request = http::Request::builder()
            .method(method.as_str())
            .uri(self.conformance.url(self.operation.path));
        // Number Verification spends its token with each answer (every API's scope included): every
        // request sends the copy of the chosen token not spent yet.
        let single_use = self.operation.path.starts_with(NUMBER_VERIFICATION);
        let chosen = self.headers.get("authorization").cloned();
        for (name, value) in &self.headers {
            let value = match &chosen {
                Some(chosen) if name == "authorization" => self.conformance.unspent(chosen),
                _ => value.clone(),
            };
            request = request.header(name, value);
        }
        let body = match &self.body {
            Body::Absent => Bytes::new(),
            Body::Json(map) => Bytes::from(serde_json::to_vec(map).map_err(|e| e.to_string())?),
            Body::Raw(text) => Bytes::from(text.clone()),
        };
        let request = request.body(body).map_err(|e| format!("request: {e}"))?;
        let response = self
            .conformance
            .transport
            .send(request)
            .await
            .map_err(|e| format!("transport: {e}"))?;
        if let (true, Some(chosen), true) = (single_use, &chosen, response.status().is_success()) {
            self.conformance.spent(chosen).await;
        }
        self.response = Some(Response {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: serde_json::from_slice(response.body()).unwrap_or(Value::Null),
        });
        Ok(())
    }
}

/// A KYC Match body with `properties` at their values on file.
pub(crate) fn kyc_combination(properties: &[&str]) -> Map<String, Value> {
    properties
        .iter()
        .filter_map(|p| on_file(p).map(|v| ((*p).to_owned(), Value::from(v))))
        .collect()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The value at a simple JSONPath (`$.a.b`) in `value`.
pub(crate) fn at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let pointer: String = path
        .trim_start_matches('$')
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{s}"))
        .collect();
    value.pointer(&pointer)
}

/// The property name of a simple JSONPath (`$.maxAge` → `maxAge`).
pub(crate) fn property(path: &str) -> String {
    path.trim_start_matches('$').trim_start_matches('.').to_owned()
}
