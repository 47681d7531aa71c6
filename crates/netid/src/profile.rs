//! API profiles: everything the library knows about how one operator serves one API, as data.
//!
//! A profile joins the client side ([`OperatorProfile`]: spec version, base URL, phone-number
//! style, tolerated quirks) and the authorisation side: which login-hint forms the operator accepts
//! and prefers, how it writes scopes and which scope each operation needs, which flow obtains its
//! tokens, and the provider it documents. Profiles are found by name ([`find`]) and listed
//! ([`all`]); an operator file names one per API (`[sim-swap] profile = "orange-spain"`).
//!
//! A new operator is a new value in [`registry`](self::all), a new API one more entry per operator;
//! no code elsewhere compares a profile name.
//!
//! ```
//! use netid::profile::{self, HintForm};
//! use netid_camara::Api;
//!
//! let orange = profile::find(Api::KycMatch, "orange-france")?;
//! assert_eq!(orange.hints().preferred(), HintForm::Msisdn);
//! assert!(profile::all().any(|profile| profile.name() == "camara-2.1.0" && profile.api() == Api::SimSwap));
//! # Ok::<(), netid::profile::UnknownProfile>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use netid_camara::{Api, OperatorProfile, SpecVersion};
pub use netid_ciba::driver::Reuse;
use netid_core::login_hint::LoginHint;
use netid_core::phone::PhoneNumber;
use netid_core::scope::{ApiScope, Purpose, Scope};

use crate::operation::Operation;

mod registry;

pub use registry::{UnknownProfile, all, find};

/// A form of CIBA `login_hint` ([`LoginHint`]'s variants, without their values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum HintForm {
    /// `tel:+34654654654`, the CAMARA form.
    Tel,
    /// A bare MSISDN (`33699901040`), as the Orange France page writes it.
    Msisdn,
    /// `ipport:198.51.100.7:40404`: the device's address, seen by the mobile network.
    IpPort,
    /// `operatortoken:…`: a TS.43 temporary token from the device.
    OperatorToken,
}

impl HintForm {
    /// The form of `hint`.
    #[must_use]
    pub fn of(hint: &LoginHint) -> Option<Self> {
        match hint {
            LoginHint::Tel(_) => Some(Self::Tel),
            LoginHint::Msisdn(_) => Some(Self::Msisdn),
            LoginHint::IpPort { .. } => Some(Self::IpPort),
            LoginHint::OperatorToken(_) => Some(Self::OperatorToken),
            _ => None,
        }
    }

    /// The hint naming `number` in this form; `None` for forms that do not name a number.
    #[must_use]
    pub fn for_number(self, number: &PhoneNumber) -> Option<LoginHint> {
        match self {
            Self::Tel => Some(LoginHint::Tel(number.clone())),
            Self::Msisdn => Some(LoginHint::Msisdn(number.clone())),
            Self::IpPort | Self::OperatorToken => None,
        }
    }

    /// The form's name (`tel`, `msisdn`, `ipport`, `operatortoken`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Tel => "tel",
            Self::Msisdn => "msisdn",
            Self::IpPort => "ipport",
            Self::OperatorToken => "operatortoken",
        }
    }
}

impl fmt::Display for HintForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The login-hint forms an operator accepts for an API, and the one it prefers for a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintPolicy {
    accepted: Vec<HintForm>,
    preferred: HintForm,
}

impl HintPolicy {
    /// `preferred` (for a phone number) and the other forms `accepted`.
    #[must_use]
    pub fn new(preferred: HintForm, accepted: &[HintForm]) -> Self {
        let mut all = vec![preferred];
        all.extend(accepted.iter().copied().filter(|form| *form != preferred));
        Self {
            accepted: all,
            preferred,
        }
    }

    /// The form a phone number is written in.
    #[must_use]
    pub fn preferred(&self) -> HintForm {
        self.preferred
    }

    /// Every form accepted, the preferred one first.
    #[must_use]
    pub fn accepted(&self) -> &[HintForm] {
        &self.accepted
    }

    /// Whether `form` is accepted.
    #[must_use]
    pub fn accepts(&self, form: HintForm) -> bool {
        self.accepted.contains(&form)
    }
}

/// How an operator writes the purpose and the API scopes in a scope string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ScopeStyle {
    /// `openid dpv:<Purpose> <scope> …`, as the CAMARA identity profile and the Orange pages write it.
    #[default]
    Separate,
    /// `openid dpv:<Purpose>#<scope> …`: the purpose joined to each API scope, as some operators
    /// write it.
    Joined,
}

impl ScopeStyle {
    /// The scope for `purpose` and `apis`, with `openid` first (CIBA and the code flow are OpenID
    /// Connect flows).
    #[must_use]
    pub fn scope(self, purpose: &Purpose, apis: &[ApiScope]) -> Scope {
        match self {
            Self::Separate => Scope::builder(purpose.clone()).apis(apis.iter().cloned()).build(),
            Self::Joined => {
                let mut text = String::from("openid");
                for api in apis {
                    text.push(' ');
                    text.push_str(purpose.as_str());
                    text.push('#');
                    text.push_str(api.as_str());
                }
                // Purposes and API scopes are RFC 6749 scope tokens, and `#` is one too.
                text.parse().unwrap_or_default()
            }
        }
    }
}

/// Which flow obtains the tokens of an API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TokenFlow {
    /// OpenID Connect CIBA, poll mode, with `private_key_jwt`.
    #[default]
    Ciba,
    /// The authorization-code flow with `prompt=none`, run by the device over the mobile network:
    /// the application obtains the token and hands it to the call.
    AuthorizationCode,
    /// The JWT-bearer grant (RFC 7523) with a `tel:` or `operatortoken:` subject.
    JwtBearer,
}

impl TokenFlow {
    /// The flow's name (`ciba`, `authorization-code`, `jwt-bearer`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ciba => "ciba",
            Self::AuthorizationCode => "authorization-code",
            Self::JwtBearer => "jwt-bearer",
        }
    }
}

/// What the token responses of a provider carry as ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdTokenRule {
    /// An ID token must come and is validated against the provider's keys.
    Required,
    /// An ID token is validated when it comes and tolerated when it does not.
    Optional,
    /// **Insecure**: ID tokens are dropped unread. Only for an operator whose token responses carry a
    /// value that is not a JWT (the Orange France page's sample); chosen only by name.
    InsecureIgnore,
}

/// The OpenID Provider an operator documents for an API, so an operator file need not repeat it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderDefaults {
    /// The CIBA backchannel authentication endpoint.
    pub bc_authorize_url: &'static str,
    /// The token endpoint.
    pub token_url: &'static str,
    /// What token responses carry as ID token.
    pub id_token: IdTokenRule,
}

/// How one operator serves one API: the client profile and the authorisation facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiProfile {
    name: &'static str,
    client: OperatorProfile,
    hints: HintPolicy,
    scope_style: ScopeStyle,
    scopes: BTreeMap<Operation, Vec<ApiScope>>,
    flow: TokenFlow,
    reuse: Reuse,
    provider: Option<ProviderDefaults>,
}

impl ApiProfile {
    /// A profile named `name` for the operator's client profile `client`, with a documented base
    /// URL, `tel:` hints, the spec's scopes, CIBA, the API's token reuse rule, and no documented
    /// provider.
    #[must_use]
    pub fn new(name: &'static str, client: OperatorProfile) -> Self {
        let scopes = Operation::of(client.spec().api())
            .map(|operation| (operation, vec![operation.spec_scope()]))
            .collect();
        // CAMARA Number Verification (following the identity profile): its tokens are single-use,
        // never refreshed, and live at most 300 s. Every other API's tokens are reusable.
        let reuse = match client.spec().api() {
            Api::NumberVerification => Reuse::SingleUse,
            _ => Reuse::Reusable,
        };
        Self {
            name,
            client,
            hints: HintPolicy::new(HintForm::Tel, &[]),
            scope_style: ScopeStyle::Separate,
            scopes,
            flow: TokenFlow::Ciba,
            reuse,
            provider: None,
        }
    }

    /// The plain CAMARA spec `spec` (`camara-<version>`): strict decoding, no base URL of its own
    /// (an operator file must give `base-url`), every hint form, the spec's scopes, CIBA.
    #[must_use]
    pub fn camara(name: &'static str, spec: SpecVersion) -> Self {
        let hints = match spec.api() {
            // The subject is the device, named by its network address or its TS.43 token.
            Api::NumberVerification => HintPolicy::new(
                HintForm::Tel,
                &[HintForm::IpPort, HintForm::OperatorToken, HintForm::Msisdn],
            ),
            _ => HintPolicy::new(
                HintForm::Tel,
                &[HintForm::Msisdn, HintForm::IpPort, HintForm::OperatorToken],
            ),
        };
        // No URL of its own: the plain spec names no host, so a description must give `base-url`.
        let client =
            OperatorProfile::new("camara", spec, "").with_tolerance(netid_camara::Tolerance::strict());
        Self::new(name, client).with_hints(hints)
    }

    /// Sets the login-hint policy.
    #[must_use]
    pub fn with_hints(mut self, hints: HintPolicy) -> Self {
        self.hints = hints;
        self
    }

    /// Sets the scopes of `operation`.
    #[must_use]
    pub fn with_scopes(mut self, operation: Operation, scopes: Vec<ApiScope>) -> Self {
        self.scopes.insert(operation, scopes);
        self
    }

    /// Sets how scopes are written.
    #[must_use]
    pub fn with_scope_style(mut self, style: ScopeStyle) -> Self {
        self.scope_style = style;
        self
    }

    /// Sets the token flow.
    #[must_use]
    pub fn with_flow(mut self, flow: TokenFlow) -> Self {
        self.flow = flow;
        self
    }

    /// Sets whether the API's tokens may serve more than one call.
    #[must_use]
    pub fn with_reuse(mut self, reuse: Reuse) -> Self {
        self.reuse = reuse;
        self
    }

    /// Sets the documented provider.
    #[must_use]
    pub fn with_provider(mut self, provider: ProviderDefaults) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Replaces the client profile (a description's `base-url`, `strict`, phone style).
    #[must_use]
    pub(crate) fn with_client(mut self, client: OperatorProfile) -> Self {
        self.client = client;
        self
    }

    /// The profile's name (`orange-france`, `camara-2.1.0`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The API.
    #[must_use]
    pub fn api(&self) -> Api {
        self.client.spec().api()
    }

    /// The spec version the operator follows.
    #[must_use]
    pub fn spec(&self) -> SpecVersion {
        self.client.spec()
    }

    /// The client profile (base URL, spec version, phone style, tolerance).
    #[must_use]
    pub fn client(&self) -> &OperatorProfile {
        &self.client
    }

    /// Whether the profile knows where the API is served (an operator's documented URL), or needs
    /// a `base-url` (the plain `camara-*` profiles).
    #[must_use]
    pub fn has_base_url(&self) -> bool {
        !self.client.base_url().is_empty()
    }

    /// The login-hint policy.
    #[must_use]
    pub fn hints(&self) -> &HintPolicy {
        &self.hints
    }

    /// The API scopes `operation` needs.
    #[must_use]
    pub fn scopes(&self, operation: Operation) -> &[ApiScope] {
        self.scopes.get(&operation).map_or(&[], Vec::as_slice)
    }

    /// How scopes are written.
    #[must_use]
    pub fn scope_style(&self) -> ScopeStyle {
        self.scope_style
    }

    /// The full scope of `operation` for `purpose`, written the operator's way.
    #[must_use]
    pub fn scope(&self, operation: Operation, purpose: &Purpose) -> Scope {
        self.scope_style.scope(purpose, self.scopes(operation))
    }

    /// The token flow.
    #[must_use]
    pub fn flow(&self) -> TokenFlow {
        self.flow
    }

    /// Whether a token may serve more than one call: a single-use token is never cached (in
    /// process or in a shared store), a fresh one is obtained per call, and a call sent with one is
    /// never retried.
    #[must_use]
    pub fn reuse(&self) -> Reuse {
        self.reuse
    }

    /// The documented provider, if any.
    #[must_use]
    pub fn provider(&self) -> Option<&ProviderDefaults> {
        self.provider.as_ref()
    }
}

#[cfg(test)]
mod tests;
