//! The keys that let several sandbox processes act as one operator: `issuer`, `signing-key-file`
//! and `[state]`.

use serde::Deserialize;

use super::{SandboxConfig, SandboxConfigError};
use crate::config::ServerConfig;

/// `[state]`: where the operator keeps CIBA requests, codes, access tokens and used `jti`s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[non_exhaustive]
pub struct StateSettings {
    /// A Redis URL (`redis://[:password@]host:port/db`): the state is shared by every process
    /// with the same issuer (needs netid-server's `redis` feature, which the CLI enables).
    pub redis: Option<String>,
}

/// Applies `issuer`, `signing-key-file` and `[state]` of `document` to `config`.
pub(super) fn apply(
    document: &SandboxConfig,
    mut config: ServerConfig,
    read: &mut super::entries::ReadFile<'_>,
) -> Result<ServerConfig, SandboxConfigError> {
    if let Some(issuer) = &document.issuer {
        config = config.with_issuer(issuer.clone());
    }
    if let Some(path) = &document.signing_key_file {
        config = config.with_signing_key_pem(read(path)?);
    }
    if let Some(url) = document.state.as_ref().and_then(|state| state.redis.as_ref()) {
        config = with_redis(config, url)?;
    }
    Ok(config)
}

#[cfg(feature = "redis")]
fn with_redis(config: ServerConfig, url: &str) -> Result<ServerConfig, SandboxConfigError> {
    Ok(config.with_redis_state(url))
}

#[cfg(not(feature = "redis"))]
fn with_redis(_config: ServerConfig, _url: &str) -> Result<ServerConfig, SandboxConfigError> {
    Err(SandboxConfigError::Setting {
        key: "state.redis",
        reason: String::from("this build of netid-server has no redis support (cargo feature redis)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_key(path: &str) -> Result<String, String> {
        match path {
            "op.pem" => Ok(String::from("PEM TEXT")),
            other => Err(format!("no file {other}")),
        }
    }

    #[test]
    fn issuer_key_and_state_reach_the_server_config() {
        let document = SandboxConfig::from_toml_str(
            "issuer = \"http://127.0.0.1:8080\"\nsigning-key-file = \"op.pem\"\n[state]\nredis = \"redis://:pw@127.0.0.1:6379/\"\n",
        )
        .unwrap();
        assert_eq!(document.files(), vec!["op.pem"]);
        let config = document.to_server_config(&mut read_key);
        #[cfg(feature = "redis")]
        {
            let config = config.unwrap();
            assert_eq!(config.issuer.as_deref(), Some("http://127.0.0.1:8080"));
            assert_eq!(
                config
                    .signing_key_pem
                    .as_ref()
                    .map(|k| k.expose_secret().as_str()),
                Some("PEM TEXT")
            );
            assert!(config.redis_state.is_some());
            let debug = format!("{config:?}");
            assert!(!debug.contains("pw@") && !debug.contains("PEM TEXT"), "{debug}");
        }
        #[cfg(not(feature = "redis"))]
        assert!(matches!(
            config,
            Err(SandboxConfigError::Setting {
                key: "state.redis",
                ..
            })
        ));
    }

    #[test]
    fn unknown_state_keys_are_refused() {
        let error = SandboxConfig::from_toml_str("[state]\nmemcached = \"x\"\n").unwrap_err();
        assert!(error.to_string().contains("redis"), "{error}");
    }
}
