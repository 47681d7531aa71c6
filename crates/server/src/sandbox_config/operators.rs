//! `[[operators]]`: operators the sandbox hosts beside the root one.

use serde::Deserialize;

use super::entries::ReadFile;
use super::{ClientSettings, SandboxConfigError};
use crate::hosted::HostedOperator;

/// `[[operators]]`: an operator served under `/operators/{id}`, with its own issuer, keys,
/// subscribers and tokens, that the Telco Finder answers for its prefixes.
///
/// ```toml
/// [[operators]]
/// id = "operator-es"
/// msisdn-prefixes = ["+34"]
/// subscribers-file = "es.toml"     # or inline [[operators.subscribers]] tables;
///                                  # absent: the root's subscribers within the prefixes
///
/// [[operators.clients]]            # optional: replaces the root's clients, demo client included
/// client-id = "my-backend"
/// public-key-file = "keys/backend.pub.pem"
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct OperatorSettings {
    /// The operator id: the Telco Finder's `operatorId` and the path segment of its URLs.
    pub id: String,
    /// The MSISDN prefixes (`+34`) the Telco Finder routes to it.
    pub msisdn_prefixes: Vec<String>,
    /// A subscriber document (TOML or JSON, by extension) of its own.
    pub subscribers_file: Option<String>,
    /// Inline subscribers of its own (`[[operators.subscribers]]`).
    pub subscribers: Option<Vec<serde_json::Value>>,
    /// Its own clients, replacing the root's (the demo client's included); absent: the root's.
    pub clients: Option<Vec<ClientSettings>>,
}

impl OperatorSettings {
    /// The files this entry names, in document order.
    pub(super) fn files(&self) -> impl Iterator<Item = &str> {
        let clients = self.clients.iter().flatten().flat_map(|client| {
            client
                .public_key_file
                .as_deref()
                .into_iter()
                .chain(client.jwks_file.as_deref())
        });
        self.subscribers_file.as_deref().into_iter().chain(clients)
    }

    /// The hosted operator this entry describes.
    pub(super) fn to_operator(&self, read: &mut ReadFile<'_>) -> Result<HostedOperator, SandboxConfigError> {
        let fail = |reason: String| SandboxConfigError::Operator {
            operator_id: self.id.clone(),
            reason,
        };
        let mut operator = HostedOperator::new(self.id.clone(), self.msisdn_prefixes.clone())
            .map_err(|error| fail(error.to_string()))?;
        if self.subscribers_file.is_some() && self.subscribers.is_some() {
            return Err(fail(String::from(
                "give either subscribers-file or subscribers, not both",
            )));
        }
        let store = super::subscribers(
            self.subscribers_file.as_deref(),
            self.subscribers.as_deref(),
            read,
        )
        .map_err(|error| match error {
            // A file error names its path already; a subscriber error is this operator's.
            SandboxConfigError::File { .. } => error,
            other => fail(other.to_string()),
        })?;
        if let Some(store) = store {
            operator = operator.with_subscribers(store);
        }
        for client in self.clients.iter().flatten() {
            operator = operator.with_client(client.to_registration(read)?);
        }
        Ok(operator)
    }
}

#[cfg(test)]
mod tests {
    use super::super::SandboxConfig;
    use crate::subscribers::DEFAULT_SUBSCRIBERS_TOML;

    /// Parses `document` and builds its configuration, files read from `files`.
    fn build(document: &str, files: &[(&str, &str)]) -> Result<crate::ServerConfig, String> {
        SandboxConfig::from_toml_str(document)
            .and_then(|config| {
                config.to_server_config(&mut |path| {
                    files
                        .iter()
                        .find(|(name, _)| *name == path)
                        .map(|(_, text)| (*text).to_owned())
                        .ok_or_else(|| String::from("no such file"))
                })
            })
            .map_err(|error| error.to_string())
    }

    #[test]
    fn operators_are_read_with_their_subscribers_and_clients() {
        // Only the key's shape matters: a fixed scalar.
        let pem = crate::keys::test_public_key_pem([7; 32]);
        let document = r#"
            [[operators]]
            id = "operator-es"
            msisdn-prefixes = ["+34"]

            [[operators]]
            id = "operator-fr"
            msisdn-prefixes = ["+33"]
            subscribers-file = "fr.toml"

            [[operators]]
            id = "operator-nl"
            msisdn-prefixes = ["+31"]

            [[operators.subscribers]]
            id = "nl-only"
            phone_number = "+31600000001"

            [[operators.clients]]
            client-id = "backend"
            public-key = """PEM"""
        "#
        .replace("PEM", &pem);
        let config = build(&document, &[("fr.toml", DEFAULT_SUBSCRIBERS_TOML)]).expect("valid");
        let ids: Vec<&str> = config.operators.iter().map(|o| o.operator_id()).collect();
        assert_eq!(ids, ["operator-es", "operator-fr", "operator-nl"]);
        let [es, fr, nl] = &config.operators[..] else {
            panic!("three operators");
        };
        assert!(es.subscribers.is_none() && es.clients.is_none(), "the root's");
        assert_eq!(
            fr.subscribers.as_ref().map(|s| s.len()),
            Some(config.subscribers.len())
        );
        assert_eq!(nl.subscribers.as_ref().map(|s| s.len()), Some(1));
        let clients: Vec<&str> = nl
            .clients
            .iter()
            .flatten()
            .map(|c| c.client_id.as_str())
            .collect();
        assert_eq!(clients, ["backend"]);
        let parsed = SandboxConfig::from_toml_str(&document).expect("parses");
        assert_eq!(parsed.files(), ["fr.toml"]);
    }

    #[test]
    fn invalid_operators_are_named() {
        let check = |document: &str, expected: &str| {
            assert_eq!(build(document, &[]).expect_err(document), expected);
        };
        check(
            "[[operators]]\nid = \"Op\"\nmsisdn-prefixes = [\"+34\"]\n",
            "sandbox configuration: operator \"Op\": a hosted operator id is 1 to 64 lowercase letters, \
             digits, '-', '_' or '.', not starting with '.'",
        );
        check(
            "[[operators]]\nid = \"op\"\nmsisdn-prefixes = []\n",
            "sandbox configuration: operator \"op\": a route needs at least one msisdn prefix",
        );
        check(
            "[[operators]]\nid = \"op\"\nmsisdn-prefixes = [\"+34\"]\nsubscribers-file = \"x.toml\"\n\
             subscribers = []\n",
            "sandbox configuration: operator \"op\": give either subscribers-file or subscribers, not both",
        );
        check(
            "[[operators]]\nid = \"op\"\nmsisdn-prefixes = [\"+34\"]\nsubscribers-file = \"x.toml\"\n",
            "sandbox configuration: cannot read x.toml: no such file",
        );
        check(
            "[[operators]]\nid = \"op\"\nmsisdn-prefixes = [\"+34\"]\n[[operators.subscribers]]\nid = \"a\"\n",
            "sandbox configuration: operator \"op\": subscriber document does not parse: line 1 column 26",
        );
    }
}
