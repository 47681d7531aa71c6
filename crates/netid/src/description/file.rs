//! Reading an operator file, and the secrets it names: the client id and the private key, from the
//! file itself, a key file beside it, or the environment (`client-id-env`, `key-env`).
//!
//! The environment is read through an injected lookup ([`EnvLookup`]), so tests and services that
//! keep secrets elsewhere never touch the process environment.

use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

use super::{ClientDescription, DescriptionError, OperatorDescription};

/// Looks up an environment variable ([`process_env`] in a program, a map in tests).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
#[must_use]
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A private key's PEM or JWK text and where it came from. Its `Debug` shows the origin, never the
/// key; the text is wiped from memory when dropped.
#[derive(Clone)]
pub struct KeyText {
    origin: String,
    text: Zeroizing<String>,
}

impl KeyText {
    /// The key `text`, read from `origin` (shown in errors: `--key keys/client.pem`, `$NAME`).
    #[must_use]
    pub fn new(origin: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            text: Zeroizing::new(text.into()),
        }
    }

    /// Where the key came from.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The key's text.
    ///
    /// # Security
    ///
    /// Private key material: never log or print it.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for KeyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { origin, text: _ } = self;
        f.debug_struct("KeyText")
            .field("origin", origin)
            .field("text", &"[redacted]")
            .finish()
    }
}

impl OperatorDescription {
    /// Reads the operator file at `path`; a relative `key` path is taken from the file's directory.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::Read`] when the file cannot be read, and the errors of
    /// [`from_toml_str`](Self::from_toml_str), the file's path in front.
    pub fn read(path: &Path) -> Result<Self, DescriptionError> {
        let text = std::fs::read_to_string(path).map_err(|error| DescriptionError::Read {
            path: path.to_path_buf(),
            reason: error.to_string(),
        })?;
        let mut description = Self::from_toml_str(&text).map_err(|error| match error {
            DescriptionError::Syntax(message) => {
                DescriptionError::Syntax(format!("{}: {message}", path.display()))
            }
            other => other,
        })?;
        let base_dir = path.parent().unwrap_or(Path::new(""));
        if let Some(key) = description.client.key.as_mut().filter(|key| key.is_relative()) {
            *key = base_dir.join(&*key);
        }
        Ok(description)
    }
}

impl ClientDescription {
    /// The client id, from `client-id` or the variable `client-id-env` names.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::Conflict`] when both are given, [`DescriptionError::UnsetVariable`].
    pub fn resolve_client_id(&self, env: EnvLookup<'_>) -> Result<Option<String>, DescriptionError> {
        match (&self.client_id, &self.client_id_env) {
            (Some(_), Some(_)) => Err(DescriptionError::Conflict("client-id", "client-id-env")),
            (Some(id), None) => Ok(Some(id.clone())),
            (None, Some(name)) => env(name)
                .map(Some)
                .ok_or_else(|| DescriptionError::UnsetVariable {
                    key: "client-id-env",
                    variable: name.clone(),
                }),
            (None, None) => Ok(None),
        }
    }

    /// The private key's text, from the file `key` names or the variable `key-env` names.
    ///
    /// # Errors
    ///
    /// [`DescriptionError::Conflict`] when both are given, [`DescriptionError::UnsetVariable`],
    /// [`DescriptionError::Read`] for a key file that cannot be read.
    pub fn resolve_key(&self, env: EnvLookup<'_>) -> Result<Option<KeyText>, DescriptionError> {
        match (&self.key, &self.key_env) {
            (Some(_), Some(_)) => Err(DescriptionError::Conflict("key", "key-env")),
            (Some(path), None) => std::fs::read_to_string(path)
                .map(|text| Some(KeyText::new(format!("key {}", path.display()), text)))
                .map_err(|error| DescriptionError::Read {
                    path: path.clone(),
                    reason: error.to_string(),
                }),
            (None, Some(name)) => env(name)
                .map(|text| Some(KeyText::new(format!("key-env ${name}"), text)))
                .ok_or_else(|| DescriptionError::UnsetVariable {
                    key: "key-env",
                    variable: name.clone(),
                }),
            (None, None) => Ok(None),
        }
    }
}
