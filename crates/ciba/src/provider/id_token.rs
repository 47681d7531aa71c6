//! What the flows do with ID tokens.

/// How the provider's token responses carry the ID token.
///
/// Both policies check every ID token that arrives; the only way not to check one is
/// [`ProviderConfig::insecure_ignore_id_token`](super::ProviderConfig::insecure_ignore_id_token),
/// which is deliberately not a variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum IdTokenPolicy {
    /// An `id_token` must be present and is validated (OpenID Connect; the default).
    ///
    /// Checking needs the provider's keys: a [`CibaProvider`](super::CibaProvider) with this
    /// policy can only be built once the JWKS is loaded, so a flow never waits for the user's
    /// approval and then fails for lack of keys.
    ///
    /// The Orange France KYC Match page (operator doc 000) shows an opaque, non-JWT `id_token` in
    /// its sample; an operator really sending one fails here with
    /// [`crate::error::IdTokenError::Malformed`], on purpose: a value that cannot be verified is
    /// not accepted as an ID token.
    #[default]
    Required,
    /// An `id_token` is validated when present and tolerated when absent.
    ///
    /// Without a JWKS, an ID token that does arrive cannot be checked and fails the flow with
    /// [`UsageError::MissingProviderValue`](crate::error::UsageError::MissingProviderValue): load
    /// the JWKS when the provider may send one.
    ///
    /// The Orange Spain SIM Swap page (operator doc 001) shows a CIBA token response without one.
    Optional,
}

/// What the flows do with an `id_token`: one of the public policies, or the insecure door
/// `ProviderConfig::insecure_ignore_id_token` (kept out of [`IdTokenPolicy`] so that no plain
/// value passed to `ProviderConfig::with_id_token_policy` can turn the checks off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum IdTokenHandling {
    /// [`IdTokenPolicy::Required`].
    #[default]
    Required,
    /// [`IdTokenPolicy::Optional`].
    Optional,
    /// Any `id_token` of a CIBA, refresh or JWT-bearer answer is dropped unread.
    InsecureIgnore,
}

impl From<IdTokenPolicy> for IdTokenHandling {
    fn from(policy: IdTokenPolicy) -> Self {
        match policy {
            IdTokenPolicy::Required => Self::Required,
            IdTokenPolicy::Optional => Self::Optional,
        }
    }
}
