//! The profiles the library knows, each built from its operator page (`shared/operator-docs/`) or
//! from a plain CAMARA spec version.

use netid_camara::{Api, OperatorProfile, SpecVersion};
use netid_core::scope::ApiScope;

use super::{ApiProfile, HintForm, HintPolicy, IdTokenRule, ProviderDefaults};
use crate::operation::Operation;

/// Orange France, KYC Match v0.2 (operator page 000): CIBA with a bare-MSISDN `login_hint`
/// (`336666666`), endpoints documented, no discovery. Its sample token response carries an opaque,
/// non-JWT `id_token`: the profile validates an ID token when one comes, and an operator file that
/// meets the opaque value must say `id-token = "insecure-ignore"`.
fn orange_france() -> ApiProfile {
    ApiProfile::new("orange-france", OperatorProfile::orange_france_kyc_match_v0_2())
        .with_hints(HintPolicy::new(HintForm::Msisdn, &[HintForm::Tel]))
        .with_provider(ProviderDefaults {
            bc_authorize_url: "https://api.orange.com/openidconnect/ciba/fr/v1/bc-authorize",
            token_url: "https://api.orange.com/openidconnect/ciba/fr/v1/token",
            id_token: IdTokenRule::Optional,
        })
}

/// Orange Spain (masOrange), SIM Swap v1 (operator page 001): CIBA with `tel:+34…`, one global
/// scope `sim-swap` for both operations ("current implementation only supports global scope"), a
/// token response without `id_token`.
fn orange_spain() -> ApiProfile {
    ApiProfile::new("orange-spain", OperatorProfile::orange_spain_sim_swap_v1())
        .with_scopes(Operation::SimSwapCheck, vec![ApiScope::SimSwap])
        .with_scopes(Operation::SimSwapRetrieveDate, vec![ApiScope::SimSwap])
        .with_provider(ProviderDefaults {
            bc_authorize_url: "https://api.orange.com/es/openapi/oauth/v2/bc-authorize",
            token_url: "https://api.orange.com/es/openapi/oauth/v2/token",
            id_token: IdTokenRule::Optional,
        })
}

/// Open Gateway (masstack), Number Verification v2 (operator page 002): CIBA with
/// `login_hint=operatortoken:…` (a TS.43 temporary token), or the authorization-code flow over the
/// mobile network; the page documents no provider endpoints.
fn masstack(name: &'static str, client: OperatorProfile) -> ApiProfile {
    ApiProfile::new(name, client).with_hints(HintPolicy::new(HintForm::OperatorToken, &[HintForm::IpPort]))
}

/// Every profile: the operator pages', then `camara-<version>` for each spec version.
fn registry() -> Vec<ApiProfile> {
    let mut profiles = vec![
        orange_france(),
        orange_spain(),
        masstack("masstack", OperatorProfile::masstack_number_verification_v2()),
        masstack(
            "masstack-staging",
            OperatorProfile::masstack_number_verification_v2_staging(),
        ),
    ];
    profiles.extend(
        SPEC_PROFILES
            .iter()
            .map(|(name, spec)| ApiProfile::camara(name, *spec)),
    );
    profiles
}

/// The plain spec profiles, named after the version they follow.
const SPEC_PROFILES: [(&str, SpecVersion); 13] = [
    ("camara-0.2.1", SpecVersion::KycMatch0_2_1),
    ("camara-0.4.0", SpecVersion::KycMatch0_4_0),
    ("camara-1.0.0", SpecVersion::SimSwap1_0_0),
    ("camara-2.1.0", SpecVersion::SimSwap2_1_0),
    ("camara-2.0.0", SpecVersion::NumberVerification2_0_0),
    ("camara-2.1.0", SpecVersion::NumberVerification2_1_0),
    ("camara-1.0.0", SpecVersion::DeviceSwap1_0_0),
    ("camara-0.2.0", SpecVersion::NumberRecycling0_2_0),
    ("camara-0.2.0", SpecVersion::KycTenure0_2_0),
    ("camara-0.2.1", SpecVersion::KycAgeVerification0_2_1),
    ("camara-0.4.1", SpecVersion::KycFillIn0_4_1),
    ("camara-0.4.0", SpecVersion::CallForwardingSignal0_4_0),
    ("camara-0.2.0", SpecVersion::ConsentInfo0_2_0),
];

/// Every profile the library knows, operator pages first.
pub fn all() -> impl Iterator<Item = ApiProfile> {
    registry().into_iter()
}

/// The profile of `api` named `name`.
///
/// # Errors
///
/// [`UnknownProfile`], listing the names `api` has.
pub fn find(api: Api, name: &str) -> Result<ApiProfile, UnknownProfile> {
    let mut known = Vec::new();
    for profile in registry().into_iter().filter(|profile| profile.api() == api) {
        if profile.name() == name {
            return Ok(profile);
        }
        known.push(profile.name());
    }
    Err(UnknownProfile {
        api,
        name: name.to_owned(),
        known,
    })
}

/// A profile name that names no profile of the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {api} profile {name:?}, expected one of {}", .known.join(", "))]
pub struct UnknownProfile {
    /// The API.
    pub api: Api,
    /// The name given.
    pub name: String,
    /// The names of the API's profiles.
    pub known: Vec<&'static str>,
}
