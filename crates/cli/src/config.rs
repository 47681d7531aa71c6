//! The operator file: one TOML document describing one operator, read by `netid token`,
//! `netid kyc-match`, `netid sim-swap` and `netid number-verification`.
//!
//! ```toml
//! # The OpenID Provider and the client (the `netid token` flag names).
//! bc-authorize-url = "https://api.orange.com/openidconnect/ciba/fr/v1/bc-authorize"
//! token-url = "https://api.orange.com/openidconnect/ciba/fr/v1/token"
//! client-id-env = "ORANGE_CLIENT_ID"        # or client-id = "…"
//! key-env = "ORANGE_CLIENT_KEY"             # PEM or JWK text; or key = "keys/client.pem"
//! purpose = "dpv:FraudPreventionAndDetection"
//!
//! [kyc-match]
//! profile = "orange-france"                 # base URL of the operator page unless base-url is set
//!
//! [sim-swap]
//! profile = "camara-2.1.0"
//! base-url = "https://operator.example/sim-swap/v2"
//! strict = true                             # refuse every tolerated quirk
//! ```
//!
//! Secrets may stay out of the file: every `*-env` key names an environment variable to read the
//! value from. The CLI is the only code that reads it; [`OperatorConfig::parse`] takes the lookup
//! as a function so tests never touch the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use netid_camara::profile::{OperatorProfile, PhoneStyle, SpecVersion, Tolerance};
use netid_core::scope::{ApiScope, Purpose};
use serde::Deserialize;

use crate::token::TokenArgs;

/// Looks up an environment variable (`std::env::var` in the binary, a map in tests).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment, for the binary.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A bad or missing operator file: the command cannot start (exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

/// One CAMARA API of the operator: which profile, where, how strictly.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub struct ApiSection {
    /// A profile name: an operator page's (`orange-france`, `orange-spain`, `masstack`,
    /// `masstack-staging`) or a plain spec version (`camara-2.1.0`).
    pub profile: String,
    /// Everything before the operation path (`https://operator.example/sim-swap/v2`); required for
    /// `camara-*` profiles, optional for an operator's (its documented production URL).
    pub base_url: Option<String>,
    /// Refuse every deviation from the spec (operator profiles tolerate their documented quirks).
    #[serde(default)]
    pub strict: bool,
    /// Write phone numbers without `+` in request bodies.
    #[serde(default)]
    pub phone_without_plus: bool,
    /// API scopes to request instead of the profile's (space-separated, without `openid` and the
    /// purpose).
    pub scope: Option<String>,
}

/// The CAMARA APIs the operator file can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ApiName {
    /// `[kyc-match]`.
    KycMatch,
    /// `[sim-swap]`.
    SimSwap,
    /// `[number-verification]`.
    NumberVerification,
}

impl ApiName {
    /// The table name in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KycMatch => "kyc-match",
            Self::SimSwap => "sim-swap",
            Self::NumberVerification => "number-verification",
        }
    }

    const ALL: [Self; 3] = [Self::KycMatch, Self::SimSwap, Self::NumberVerification];

    /// The profile names accepted in this API's table.
    pub fn profile_names(self) -> &'static [&'static str] {
        match self {
            Self::KycMatch => &["orange-france", "camara-0.2.1", "camara-0.4.0"],
            Self::SimSwap => &["orange-spain", "camara-1.0.0", "camara-2.1.0"],
            Self::NumberVerification => &["masstack", "masstack-staging", "camara-2.0.0", "camara-2.1.0"],
        }
    }
}

/// A resolved API: the client profile and the scopes to request for it.
#[derive(Debug, Clone)]
pub struct ApiTarget {
    /// The client's profile (base URL, version, phone style, tolerance).
    pub profile: OperatorProfile,
    /// The scopes replacing the operation's default, if the file says so.
    pub scope_override: Option<Vec<ApiScope>>,
}

/// The whole operator file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OperatorConfig {
    /// Provider and client settings, under the `netid token` flag names.
    pub token: TokenArgs,
    /// The DPV purpose of every token (`dpv:FraudPreventionAndDetection` when absent).
    pub purpose: Purpose,
    /// The API tables.
    pub apis: BTreeMap<ApiName, ApiSection>,
    /// The file's directory: relative key paths are read from there.
    pub base_dir: PathBuf,
}

impl OperatorConfig {
    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the file and what is wrong with it.
    pub fn read(path: &Path, env: EnvLookup<'_>) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| ConfigError::new(format!("cannot read --config {}: {error}", path.display())))?;
        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Self::parse(&text, &base_dir, env)
            .map_err(|error| ConfigError::new(format!("--config {}: {error}", path.display())))
    }

    /// Parses an operator file; `base_dir` anchors relative key paths, `env` resolves `*-env` keys.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] saying which key is wrong (never the value of a secret).
    pub fn parse(text: &str, base_dir: &Path, env: EnvLookup<'_>) -> Result<Self, ConfigError> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|error| ConfigError::new(error.to_string()))?;
        let purpose = match table.remove("purpose") {
            None => Purpose::FraudPreventionAndDetection,
            Some(toml::Value::String(text)) => text
                .parse()
                .map_err(|error| ConfigError::new(format!("purpose: {error}")))?,
            Some(_) => return Err(ConfigError::new("purpose: expected a string")),
        };
        let mut apis = BTreeMap::new();
        for api in ApiName::ALL {
            if let Some(value) = table.remove(api.as_str()) {
                let section: ApiSection = value.try_into().map_err(|error: toml::de::Error| {
                    ConfigError::new(format!("[{}]: {}", api.as_str(), error.message()))
                })?;
                if !api.profile_names().contains(&section.profile.as_str()) {
                    return Err(ConfigError::new(format!(
                        "[{}] profile: unknown profile {:?}, expected one of {}",
                        api.as_str(),
                        section.profile,
                        api.profile_names().join(", ")
                    )));
                }
                apis.insert(api, section);
            }
        }
        let client_id_env = take_string(&mut table, "client-id-env")?;
        let key_env = take_string(&mut table, "key-env")?;
        let mut token: TokenArgs = toml::Value::Table(table)
            .try_into()
            .map_err(|error: toml::de::Error| ConfigError::new(error.message().to_owned()))?;
        if let Some(name) = client_id_env {
            if token.client_id.is_some() {
                return Err(ConfigError::new("give client-id or client-id-env, not both"));
            }
            token.client_id = Some(
                env(&name).ok_or_else(|| ConfigError::new(format!("client-id-env: {name} is not set")))?,
            );
        }
        if let Some(name) = key_env {
            if token.key.is_some() {
                return Err(ConfigError::new("give key or key-env, not both"));
            }
            let text = env(&name).ok_or_else(|| ConfigError::new(format!("key-env: {name} is not set")))?;
            token.key_text = Some(crate::token::KeyText::new(format!("${name}"), text));
        }
        if let Some(key) = token.key.as_ref().filter(|key| key.is_relative()) {
            token.key = Some(base_dir.join(key));
        }
        Ok(Self {
            token,
            purpose,
            apis,
            base_dir: base_dir.to_path_buf(),
        })
    }

    /// The client profile and scope override for `api`.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] when the file has no table for `api` or a `camara-*` profile lacks its
    /// `base-url`.
    pub fn api(&self, api: ApiName) -> Result<ApiTarget, ConfigError> {
        let section = self
            .apis
            .get(&api)
            .ok_or_else(|| ConfigError::new(format!("the operator file has no [{}] table", api.as_str())))?;
        let named = |profile: OperatorProfile| match &section.base_url {
            Some(url) => profile.with_base_url(url.clone()),
            None => profile,
        };
        let spec_version = |spec: SpecVersion| {
            section
                .base_url
                .as_ref()
                .map(|url| {
                    OperatorProfile::new("camara", spec, url.clone()).with_tolerance(Tolerance::strict())
                })
                .ok_or_else(|| {
                    ConfigError::new(format!(
                        "[{}] base-url is required with profile {}",
                        api.as_str(),
                        section.profile
                    ))
                })
        };
        let mut profile = match section.profile.as_str() {
            "orange-france" => named(OperatorProfile::orange_france_kyc_match_v0_2()),
            "orange-spain" => named(OperatorProfile::orange_spain_sim_swap_v1()),
            "masstack" => named(OperatorProfile::masstack_number_verification_v2()),
            "masstack-staging" => named(OperatorProfile::masstack_number_verification_v2_staging()),
            "camara-0.2.1" => spec_version(SpecVersion::KycMatch0_2_1)?,
            "camara-0.4.0" => spec_version(SpecVersion::KycMatch0_4_0)?,
            "camara-1.0.0" => spec_version(SpecVersion::SimSwap1_0_0)?,
            "camara-2.1.0" if api == ApiName::SimSwap => spec_version(SpecVersion::SimSwap2_1_0)?,
            "camara-2.0.0" => spec_version(SpecVersion::NumberVerification2_0_0)?,
            "camara-2.1.0" => spec_version(SpecVersion::NumberVerification2_1_0)?,
            // `parse` admits only the names above.
            other => return Err(ConfigError::new(format!("unknown profile {other:?}"))),
        };
        if section.strict {
            profile = profile.with_tolerance(Tolerance::strict());
        }
        if section.phone_without_plus {
            profile = profile.with_phone_style(PhoneStyle::Digits);
        }
        let scope_override = section.scope.as_ref().map(|scope| {
            scope
                .split_ascii_whitespace()
                .map(|name| name.parse().unwrap_or_else(|_| ApiScope::Other(name.to_owned())))
                .collect()
        });
        Ok(ApiTarget {
            profile,
            scope_override,
        })
    }
}

fn take_string(table: &mut toml::Table, key: &str) -> Result<Option<String>, ConfigError> {
    match table.remove(key) {
        None => Ok(None),
        Some(toml::Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(ConfigError::new(format!("{key}: expected a string"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "CLIENT_ID" => Some(String::from("from-env")),
            "CLIENT_KEY" => Some(String::from("-----BEGIN PRIVATE KEY-----\n…")),
            _ => None,
        }
    }

    fn parse(text: &str) -> Result<OperatorConfig, String> {
        OperatorConfig::parse(text, Path::new("/etc/netid"), &env).map_err(|error| error.to_string())
    }

    #[test]
    fn a_full_file_resolves_every_api() {
        let config = parse(
            r#"
issuer = "https://op.example"
client-id-env = "CLIENT_ID"
key = "keys/client.pem"
purpose = "dpv:FraudPreventionAndDetection"

[kyc-match]
profile = "orange-france"

[sim-swap]
profile = "camara-2.1.0"
base-url = "https://op.example/sim-swap/v2/"
scope = "sim-swap:check sim-swap:retrieve-date"

[number-verification]
profile = "masstack"
strict = true
phone-without-plus = true
"#,
        )
        .unwrap();
        assert_eq!(config.token.client_id.as_deref(), Some("from-env"));
        assert_eq!(
            config.token.key.as_deref(),
            Some(Path::new("/etc/netid/keys/client.pem"))
        );
        let kyc = config.api(ApiName::KycMatch).unwrap();
        assert_eq!(
            kyc.profile.base_url(),
            "https://api.orange.com/camara/ofr/kyc-match/v0.2"
        );
        assert_eq!(kyc.profile.spec(), SpecVersion::KycMatch0_2_1);
        assert!(kyc.scope_override.is_none());
        let sim = config.api(ApiName::SimSwap).unwrap();
        assert_eq!(sim.profile.base_url(), "https://op.example/sim-swap/v2");
        assert_eq!(sim.profile.spec(), SpecVersion::SimSwap2_1_0);
        assert_eq!(sim.profile.tolerance(), Tolerance::strict());
        assert_eq!(
            sim.scope_override,
            Some(vec![ApiScope::SimSwapCheck, ApiScope::SimSwapRetrieveDate])
        );
        let nv = config.api(ApiName::NumberVerification).unwrap();
        assert_eq!(nv.profile.spec(), SpecVersion::NumberVerification2_0_0);
        assert_eq!(nv.profile.tolerance(), Tolerance::strict());
        assert_eq!(nv.profile.phone_style(), PhoneStyle::Digits);
    }

    #[test]
    fn bad_files_say_which_key_is_wrong() {
        let check = |text: &str, expected: &str| {
            let error = parse(text).map(|_| ()).unwrap_err();
            assert!(error.contains(expected), "{text:?}: {error}");
        };
        check("issuer = ", "TOML parse error at line 1");
        check("unknown-key = 1", "unknown field `unknown-key`");
        check("purpose = 3", "purpose: expected a string");
        check("client-id-env = \"NOPE\"", "client-id-env: NOPE is not set");
        check("key-env = \"NOPE\"", "key-env: NOPE is not set");
        check("client-id = \"a\"\nclient-id-env = \"CLIENT_ID\"", "not both");
        check("key = \"k.pem\"\nkey-env = \"CLIENT_KEY\"", "not both");
        check(
            "[kyc-match]\nprofile = \"orange-spain\"",
            "unknown profile \"orange-spain\"",
        );
        check(
            "[sim-swap]\nprofile = \"orange-spain\"\nbase = 1",
            "unknown field `base`",
        );
        check("[sim-swap]\nstrict = true", "missing field `profile`");
        let config = parse("[kyc-match]\nprofile = \"camara-0.4.0\"").unwrap();
        let error = config.api(ApiName::KycMatch).unwrap_err().to_string();
        assert_eq!(
            error,
            "[kyc-match] base-url is required with profile camara-0.4.0"
        );
        let error = config.api(ApiName::SimSwap).unwrap_err().to_string();
        assert_eq!(error, "the operator file has no [sim-swap] table");
    }

    proptest::proptest! {
        /// Any text, and any mix of the file's keys with arbitrary values, gives a config or a
        /// typed error; a secret read from the environment never shows in the error.
        #[test]
        fn any_operator_file_gives_a_config_or_an_error(
            text in "\\PC{0,200}",
            lines in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "issuer", "client-id", "client-id-env", "key", "key-env", "purpose", "alg",
                        "[kyc-match]", "[sim-swap]", "[number-verification]", "profile", "base-url",
                        "strict", "scope",
                    ]),
                    proptest::sample::select(vec![
                        "\"CLIENT_KEY\"", "\"CLIENT_ID\"", "\"camara-2.1.0\"", "\"orange-france\"",
                        "\"https://op.example\"", "true", "3", "\"\"", "[]",
                    ]),
                ),
                0..10,
            ),
        ) {
            let _ = parse(&text);
            let file: String = lines
                .iter()
                .map(|(key, value)| {
                    if key.starts_with('[') { format!("{key}\n") } else { format!("{key} = {value}\n") }
                })
                .collect();
            match parse(&file) {
                Ok(config) => {
                    for api in ApiName::ALL {
                        let _ = config.api(api);
                    }
                }
                Err(error) => proptest::prop_assert!(!error.contains("BEGIN PRIVATE KEY"), "{error}"),
            }
        }
    }

    #[test]
    fn a_key_from_the_environment_never_prints() {
        let config = parse("key-env = \"CLIENT_KEY\"").unwrap();
        let key = config.token.key_text.as_ref().unwrap();
        assert_eq!(key.origin(), "$CLIENT_KEY");
        assert!(!format!("{config:?}").contains("BEGIN PRIVATE KEY"));
    }
}
