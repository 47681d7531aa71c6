//! Operator profiles: where an operator serves an API, which spec version it follows, how it writes
//! phone numbers and which of its deviations from the spec the client tolerates.
//!
//! Profiles are data, not code paths: a new operator is a new [`OperatorProfile`] value, never a new
//! branch in a decoder.

use std::fmt;

// The CAMARA APIs and versions are spec facts kept in `netid_core::spec`; re-exported here because
// client code names them beside profiles.
pub use netid_core::spec::{Api, SpecError, SpecVersion};

/// How request bodies write phone numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PhoneStyle {
    /// E.164 with the leading `+` (`+34654654654`), as every CAMARA spec requires.
    #[default]
    Plus,
    /// E.164 digits without `+` (`34654654654`), for operators that want it so.
    Digits,
}

/// A deviation from the spec that real operators send and that the client can tolerate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Quirk {
    /// A KYC match result sent as a JSON boolean (`true`) instead of the spec's string (`"true"`).
    MatchAsBoolean,
    /// A number or a boolean sent as a string (`"96"`, `"true"`, a `status` of `"400"`).
    ScalarAsString,
    /// A phone number without its leading `+` (`34654654654`).
    MissingPlus,
    /// A field the spec version does not define.
    UnknownField,
    /// An enum value the spec version does not define (a KYC match result of `"partial"`).
    UnknownEnumValue,
    /// A KYC match score beside a result other than `"false"`: both KYC Match versions return a
    /// score only for a mismatch. Tolerated by dropping the score.
    ScoreWithoutMismatch,
    /// A KYC Match 0.4 score of 100 beside `"false"`: 0.4.0 caps scores at 99 (a perfect match is
    /// `"true"`), as 0.2.1 did not. Tolerated as 99, the closest a mismatch can be.
    PerfectScore,
}

impl Quirk {
    /// Every quirk.
    pub const ALL: [Self; 7] = [
        Self::MatchAsBoolean,
        Self::ScalarAsString,
        Self::MissingPlus,
        Self::UnknownField,
        Self::UnknownEnumValue,
        Self::ScoreWithoutMismatch,
        Self::PerfectScore,
    ];

    const fn bit(self) -> u8 {
        match self {
            Self::MatchAsBoolean => 1,
            Self::ScalarAsString => 2,
            Self::MissingPlus => 4,
            Self::UnknownField => 8,
            Self::UnknownEnumValue => 16,
            Self::ScoreWithoutMismatch => 32,
            Self::PerfectScore => 64,
        }
    }

    /// A stable lowercase name (`match_as_boolean`, ...) for logs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MatchAsBoolean => "match_as_boolean",
            Self::ScalarAsString => "scalar_as_string",
            Self::MissingPlus => "missing_plus",
            Self::UnknownField => "unknown_field",
            Self::UnknownEnumValue => "unknown_enum_value",
            Self::ScoreWithoutMismatch => "score_without_mismatch",
            Self::PerfectScore => "perfect_score",
        }
    }
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which [`Quirk`]s a response decoder tolerates; any other deviation is a decoding error.
///
/// [`Tolerance::lenient`] (every quirk, the default) is what real operators need;
/// [`Tolerance::strict`] accepts only what the spec version allows.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tolerance(u8);

impl Tolerance {
    /// Tolerates every [`Quirk`].
    #[must_use]
    pub const fn lenient() -> Self {
        Self(127)
    }

    /// Tolerates no [`Quirk`]: the response must follow the spec version.
    #[must_use]
    pub const fn strict() -> Self {
        Self(0)
    }

    /// Also tolerates `quirk`.
    #[must_use]
    pub const fn with(self, quirk: Quirk) -> Self {
        Self(self.0 | quirk.bit())
    }

    /// No longer tolerates `quirk`.
    #[must_use]
    pub const fn without(self, quirk: Quirk) -> Self {
        Self(self.0 & !quirk.bit())
    }

    /// Whether `quirk` is tolerated.
    #[must_use]
    pub const fn allows(self, quirk: Quirk) -> bool {
        self.0 & quirk.bit() != 0
    }
}

impl Default for Tolerance {
    fn default() -> Self {
        Self::lenient()
    }
}

impl fmt::Debug for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(Quirk::ALL.iter().filter(|quirk| self.allows(**quirk)))
            .finish()
    }
}

/// Where and how an operator serves one API version.
///
/// ```
/// use netid_camara::profile::{OperatorProfile, SpecVersion, Tolerance};
///
/// let profile = OperatorProfile::orange_spain_sim_swap_v1();
/// assert_eq!(profile.base_url(), "https://api.orange.com/camara/oes/sim-swap/v1");
/// assert_eq!(profile.spec(), SpecVersion::SimSwap1_0_0);
///
/// // A sandbox of the same operator, checked strictly.
/// let sandbox = profile.with_base_url("http://127.0.0.1:9091/sim-swap/v1").with_tolerance(Tolerance::strict());
/// assert_eq!(sandbox.name(), "orange-spain");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorProfile {
    name: String,
    spec: SpecVersion,
    base_url: String,
    phone_style: PhoneStyle,
    tolerance: Tolerance,
}

impl OperatorProfile {
    /// A profile for `spec` served under `base_url` (everything before the operation path, e.g.
    /// `https://api.example/sim-swap/v1`; a trailing `/` is removed), with `+` phone numbers and
    /// lenient decoding.
    #[must_use]
    pub fn new(name: impl Into<String>, spec: SpecVersion, base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        while base_url.ends_with('/') {
            base_url.pop();
        }
        Self {
            name: name.into(),
            spec,
            base_url,
            phone_style: PhoneStyle::Plus,
            tolerance: Tolerance::lenient(),
        }
    }

    /// The plain CAMARA spec: base URL `{api_root}/{api}/{version}` as the spec's `servers` entry
    /// writes it, `+` numbers, strict decoding.
    #[must_use]
    pub fn camara(spec: SpecVersion, api_root: &str) -> Self {
        let root = api_root.trim_end_matches('/');
        Self::new(
            "camara",
            spec,
            format!("{root}/{}/{}", spec.api(), spec.path_segment()),
        )
        .with_tolerance(Tolerance::strict())
    }

    /// Orange France, KYC Match v0.2 (operator page 000): `POST
    /// https://api.orange.com/camara/ofr/kyc-match/v0.2/match`. Tolerates its quirks.
    #[must_use]
    pub fn orange_france_kyc_match_v0_2() -> Self {
        Self::new(
            "orange-france",
            SpecVersion::KycMatch0_2_1,
            "https://api.orange.com/camara/ofr/kyc-match/v0.2",
        )
    }

    /// Orange Spain (masOrange), SIM Swap v1 (operator page 001): base URL
    /// `https://api.orange.com/camara/oes/sim-swap/v1`. Tolerates its quirks.
    #[must_use]
    pub fn orange_spain_sim_swap_v1() -> Self {
        Self::new(
            "orange-spain",
            SpecVersion::SimSwap1_0_0,
            "https://api.orange.com/camara/oes/sim-swap/v1",
        )
    }

    /// Open Gateway (masstack), Number Verification v2, production (operator page 002): base URL
    /// `https://opengateway.masstack.com/v2`, which, unlike the spec's servers entry, lacks the
    /// `number-verification` segment. The page follows Number Verification 2.0.0 (its text is the
    /// 2.0.0 description, sequence diagram included). Tolerates its quirks.
    #[must_use]
    pub fn masstack_number_verification_v2() -> Self {
        Self::new(
            "masstack",
            SpecVersion::NumberVerification2_0_0,
            "https://opengateway.masstack.com/v2",
        )
    }

    /// Open Gateway (masstack), Number Verification v2, staging: `https://opengateway.sta.masstack.com/v2`.
    #[must_use]
    pub fn masstack_number_verification_v2_staging() -> Self {
        Self::masstack_number_verification_v2().with_base_url("https://opengateway.sta.masstack.com/v2")
    }

    /// The same profile served elsewhere (a sandbox, a staging host, a loopback test server).
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        let name = std::mem::take(&mut self.name);
        let renamed = Self::new(name, self.spec, base_url);
        Self {
            phone_style: self.phone_style,
            tolerance: self.tolerance,
            ..renamed
        }
    }

    /// Sets how request bodies write phone numbers.
    #[must_use]
    pub fn with_phone_style(mut self, style: PhoneStyle) -> Self {
        self.phone_style = style;
        self
    }

    /// Sets which quirks response decoding tolerates.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// A short name for logs (`orange-spain`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The spec version the operator follows.
    #[must_use]
    pub fn spec(&self) -> SpecVersion {
        self.spec
    }

    /// The base URL, without a trailing `/`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How request bodies write phone numbers.
    #[must_use]
    pub fn phone_style(&self) -> PhoneStyle {
        self.phone_style
    }

    /// Which quirks response decoding tolerates.
    #[must_use]
    pub fn tolerance(&self) -> Tolerance {
        self.tolerance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_sets() {
        assert!(Quirk::ALL.iter().all(|quirk| Tolerance::lenient().allows(*quirk)));
        assert!(Quirk::ALL.iter().all(|quirk| !Tolerance::strict().allows(*quirk)));
        let some = Tolerance::strict().with(Quirk::MissingPlus);
        assert!(some.allows(Quirk::MissingPlus) && !some.allows(Quirk::UnknownField));
        assert!(!some.without(Quirk::MissingPlus).allows(Quirk::MissingPlus));
        assert_eq!(format!("{some:?}"), "{MissingPlus}");
    }

    #[test]
    fn profiles() {
        fn check(profile: &OperatorProfile, base: &str, spec: SpecVersion) {
            assert_eq!(profile.base_url(), base);
            assert_eq!(profile.spec(), spec);
        }
        check(
            &OperatorProfile::camara(SpecVersion::SimSwap2_1_0, "http://localhost:9091/"),
            "http://localhost:9091/sim-swap/v2",
            SpecVersion::SimSwap2_1_0,
        );
        check(
            &OperatorProfile::camara(SpecVersion::KycMatch0_2_1, "https://x"),
            "https://x/kyc-match/v0.2",
            SpecVersion::KycMatch0_2_1,
        );
        check(
            &OperatorProfile::masstack_number_verification_v2_staging(),
            "https://opengateway.sta.masstack.com/v2",
            SpecVersion::NumberVerification2_0_0,
        );
        let moved = OperatorProfile::orange_spain_sim_swap_v1()
            .with_phone_style(PhoneStyle::Digits)
            .with_base_url("http://127.0.0.1:1/x/");
        assert_eq!(moved.base_url(), "http://127.0.0.1:1/x");
        assert_eq!(moved.phone_style(), PhoneStyle::Digits);
        assert_eq!(moved.name(), "orange-spain");
    }
}
