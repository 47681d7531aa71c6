//! `netid token` flags, and how they lay over the operator file (flags win).

use std::path::PathBuf;

use netid::OperatorDescription;
use netid::description::{AssertionAud, KeyAlgorithm};

/// The JWS algorithm of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// RSASSA-PSS with SHA-256.
    #[value(name = "PS256")]
    Ps256,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
}

impl From<Alg> for KeyAlgorithm {
    fn from(alg: Alg) -> Self {
        match alg {
            Alg::Rs256 => Self::Rs256,
            Alg::Ps256 => Self::Ps256,
            Alg::Es256 => Self::Es256,
        }
    }
}

/// The `aud` of client assertions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Audience {
    /// The URL of the endpoint called (CAMARA's recommendation).
    Endpoint,
    /// The token endpoint URL.
    TokenEndpoint,
    /// The issuer identifier.
    Issuer,
}

impl From<Audience> for AssertionAud {
    fn from(audience: Audience) -> Self {
        match audience {
            Audience::Endpoint => Self::Endpoint,
            Audience::TokenEndpoint => Self::TokenEndpoint,
            Audience::Issuer => Self::Issuer,
        }
    }
}

/// `netid token` flags. Every flag but `--config`, `--json` and `--show-token` may come from the
/// operator file instead, under the flag's name (`issuer = "…"`, `client-id = "…"`).
#[derive(Debug, Clone, Default, clap::Args)]
#[non_exhaustive]
pub struct TokenArgs {
    /// The operator file (TOML) with any of these settings under their flag names.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Issuer URL: endpoints from its discovery document.
    #[arg(long, value_name = "URL")]
    pub issuer: Option<String>,
    /// Backchannel authentication endpoint (instead of discovery).
    #[arg(long, value_name = "URL", requires = "token_url")]
    pub bc_authorize_url: Option<String>,
    /// Token endpoint (instead of discovery).
    #[arg(long, value_name = "URL", requires = "bc_authorize_url")]
    pub token_url: Option<String>,
    /// JWKS URL to validate ID tokens (with explicit endpoints).
    #[arg(long, value_name = "URL")]
    pub jwks_url: Option<String>,
    /// The client id registered with the provider.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The client's private key: PEM or JWK file.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The `kid` to put in assertion headers (a JWK's own `kid` is used otherwise).
    #[arg(long, value_name = "KID")]
    pub kid: Option<String>,
    /// The assertion algorithm, instead of the one the key implies.
    #[arg(long, value_enum)]
    pub alg: Option<Alg>,
    /// Who to authenticate: `tel:+…`, bare MSISDN digits, `ipport:…` or `operatortoken:…`.
    #[arg(long, value_name = "HINT")]
    pub login_hint: Option<String>,
    /// Space-separated scopes (must include `openid`).
    #[arg(long, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// Text shown on the user's device.
    #[arg(long, value_name = "TEXT")]
    pub binding_message: Option<String>,
    /// Requested lifetime of the authentication request, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub requested_expiry: Option<u64>,
    /// The `aud` of client assertions.
    #[arg(long, value_enum)]
    pub assertion_aud: Option<Audience>,
    /// Print one JSON object instead of the human output.
    #[arg(long)]
    pub json: bool,
    /// Include the access token in the output.
    #[arg(long)]
    pub show_token: bool,
    /// Reuse access tokens kept in this Redis (`redis://…` or `rediss://…`), encrypted with the
    /// 32-byte key in `$NETID_TOKEN_CACHE_KEY` (hex or Base64), and keep the one obtained here;
    /// concurrent invocations run one CIBA flow between them. Prints the access token only (no ID
    /// token, scope or expiry).
    #[arg(long, value_name = "URL", value_parser = crate::redis::parse_url)]
    pub token_cache: Option<crate::redis::RedisUrl>,
}

impl TokenArgs {
    /// Lays the flags given over `description` (a flag replaces the file's setting, and a flag
    /// giving a value replaces the file's `*-env` key for it).
    pub(crate) fn lay_over(&self, mut description: OperatorDescription) -> OperatorDescription {
        fn set<T: Clone>(target: &mut Option<T>, flag: Option<&T>) {
            if let Some(value) = flag {
                *target = Some(value.clone());
            }
        }
        let provider = &mut description.provider;
        if self.issuer.is_some() || self.bc_authorize_url.is_some() {
            // Flags name the provider whole: the file's endpoints must not mix in.
            *provider = netid::description::ProviderDescription::default();
        }
        set(&mut provider.issuer, self.issuer.as_ref());
        set(&mut provider.bc_authorize_url, self.bc_authorize_url.as_ref());
        set(&mut provider.token_url, self.token_url.as_ref());
        set(&mut provider.jwks_url, self.jwks_url.as_ref());
        let client = &mut description.client;
        if self.client_id.is_some() {
            client.client_id_env = None;
        }
        if self.key.is_some() {
            client.key_env = None;
        }
        set(&mut client.client_id, self.client_id.as_ref());
        set(&mut client.key, self.key.as_ref());
        set(&mut client.kid, self.kid.as_ref());
        set(&mut client.alg, self.alg.map(KeyAlgorithm::from).as_ref());
        set(
            &mut client.assertion_aud,
            self.assertion_aud.map(AssertionAud::from).as_ref(),
        );
        set(
            &mut description.request.binding_message,
            self.binding_message.as_ref(),
        );
        set(
            &mut description.request.requested_expiry,
            self.requested_expiry.as_ref(),
        );
        set(&mut description.token.login_hint, self.login_hint.as_ref());
        set(&mut description.token.scope, self.scope.as_ref());
        description
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file() {
        let file = OperatorDescription::from_toml_str(
            "issuer = \"https://file.example\"\nclient-id-env = \"ID\"\nalg = \"PS256\"\nassertion-aud = \"token-endpoint\"\nscope = \"openid x\"\n",
        )
        .expect("valid");
        let flags = TokenArgs {
            client_id: Some(String::from("from-flag")),
            ..TokenArgs::default()
        };
        let merged = flags.lay_over(file.clone());
        assert_eq!(merged.provider.issuer.as_deref(), Some("https://file.example"));
        assert_eq!(merged.client.client_id.as_deref(), Some("from-flag"));
        assert_eq!(merged.client.client_id_env, None);
        assert_eq!(merged.client.alg, Some(KeyAlgorithm::Ps256));
        assert_eq!(merged.client.assertion_aud, Some(AssertionAud::TokenEndpoint));
        assert_eq!(merged.token.scope.as_deref(), Some("openid x"));
        let endpoints = TokenArgs {
            bc_authorize_url: Some(String::from("https://flag.example/bc")),
            token_url: Some(String::from("https://flag.example/token")),
            ..TokenArgs::default()
        };
        let merged = endpoints.lay_over(file);
        assert_eq!(merged.provider.issuer, None, "the file's issuer must not mix in");
        assert_eq!(
            merged.provider.token_url.as_deref(),
            Some("https://flag.example/token")
        );
    }
}
