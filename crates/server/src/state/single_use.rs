//! Single-use tokens: which scopes make a token single-use (Number Verification's), and their
//! shorter lifetime. The store spends them ([`OpStore::spend_token`](super::OpStore::spend_token)).

use std::time::Duration;

use netid_core::scope::Scope;

/// The longest life of a single-use token: Number Verification tokens live at most 300 s.
pub(crate) const SINGLE_USE_MAX_LIFETIME: Duration = Duration::from_secs(300);

/// The scopes whose tokens are single-use: Number Verification's. Such a token is never refreshed,
/// lives at most [`SINGLE_USE_MAX_LIFETIME`], and is spent by its first answered Number
/// Verification call.
const SINGLE_USE_SCOPES: [&str; 2] = [
    "number-verification:verify",
    "number-verification:device-phone-number:read",
];

/// Whether a token of `scope` is single-use.
pub(crate) fn is_single_use(scope: &Scope) -> bool {
    SINGLE_USE_SCOPES.iter().any(|s| scope.contains(s))
}

/// The lifetime of a token of `scope`: `configured`, at most [`SINGLE_USE_MAX_LIFETIME`] for a
/// single-use one.
pub(crate) fn token_lifetime(scope: &Scope, configured: Duration) -> Duration {
    if is_single_use(scope) {
        configured.min(SINGLE_USE_MAX_LIFETIME)
    } else {
        configured
    }
}
