//! Properties of the KYC parsers, decoders, normalisation, scores and matcher.

use netid_core::kyc::{
    CountryAlpha2, Email, Gender, IdDocumentType, KycClaims, KycField, KycMatchResult, KycVersion, Match,
    MatchScore, Matcher, normalize_name, normalize_text, similarity_score,
};
use netid_core::secret::Pii;
use proptest::prelude::*;

use super::strategies::{claims, free_text, match_result, result_like_body};

/// Whether `result` is what `version` allows: scores only beside `"false"`, at most 99 in 0.4.0.
fn follows(result: &KycMatchResult, version: KycVersion) -> bool {
    let max = if version == KycVersion::V0_4 { 99 } else { 100 };
    result.iter().all(|(_, outcome)| {
        outcome
            .score
            .is_none_or(|score| outcome.result == Match::Mismatched && score.value() <= max)
    })
}

// ---------------------------------------------------------------------------------------------
// Properties

proptest! {
    // Miri interprets each case for seconds to minutes: 8 there, 256 otherwise.
    #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 256 }))]

    #[test]
    fn value_parsers_return_a_value_or_a_typed_error(input in any::<String>()) {
        let _ = input.parse::<CountryAlpha2>();
        let _ = input.parse::<Email>();
        let _ = input.parse::<Match>();
        prop_assert_eq!(Gender::from(input.as_str()).as_str().eq_ignore_ascii_case(&input), true);
        prop_assert_eq!(IdDocumentType::from(input.as_str()).as_str().eq_ignore_ascii_case(&input), true);
        let _ = serde_json::from_str::<KycClaims>(&input);
        let _ = KycMatchResult::from_json_slice_strict(input.as_bytes(), KycVersion::V0_2);
        let _ = KycMatchResult::from_json_slice_strict(input.as_bytes(), KycVersion::V0_4);
    }

    #[test]
    fn result_decoders_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        netid_core::kyc::fuzz_decode_result(&bytes);
    }

    #[test]
    fn result_decoders_never_panic_on_result_like_bodies(body in result_like_body()) {
        // Also checks that decoded results re-encode identically in their version.
        netid_core::kyc::fuzz_decode_result(body.as_bytes());
    }

    #[test]
    fn claims_round_trip_through_json(claims in claims()) {
        let json = serde_json::to_string(&claims).expect("claims serialise");
        let back: KycClaims = serde_json::from_str(&json).expect("own output parses");
        prop_assert_eq!(back, claims);
    }

    #[test]
    fn claims_debug_never_shows_a_value(name in "[A-Z]{6}", street in "[A-Z]{6}") {
        let mut claims = KycClaims::new();
        claims.given_name = Some(Pii::new(name.clone()));
        claims.address = Some(Pii::new(street.clone()));
        claims.email = Some(format!("{name}@{street}.fr").parse().expect("well-formed"));
        let shown = format!("{claims:?}");
        prop_assert!(!shown.contains(&name) && !shown.contains(&street), "{}", shown);
    }

    #[test]
    fn results_round_trip_in_both_versions(result in match_result()) {
        // A result the spec allows decodes back to itself; any other is refused, never altered
        // (netid-camara's tolerance tests cover how such bodies are rewritten before decoding).
        for version in [KycVersion::V0_4, KycVersion::V0_2] {
            let expected = result.clone().restricted_to(version);
            let decoded = KycMatchResult::from_json_value_strict(&result.to_json_value(version), version);
            if follows(&expected, version) {
                prop_assert_eq!(decoded.expect("own output decodes"), expected);
            } else {
                prop_assert!(decoded.is_err(), "{:?} accepted in {:?}", decoded, version);
            }
        }
        let text = serde_json::to_vec(&result).expect("results serialise");
        let decoded = KycMatchResult::from_json_slice_strict(&text, KycVersion::V0_4);
        if follows(&result, KycVersion::V0_4) {
            prop_assert_eq!(decoded.expect("own output decodes"), result);
        } else {
            prop_assert!(decoded.is_err());
        }
    }

    #[test]
    fn spec_values_round_trip(raw in any::<String>(), code in "[A-Za-z]{2}", score in 0_u8..=100) {
        let gender = Gender::from(raw.as_str());
        prop_assert_eq!(Gender::from(gender.as_str()), gender);
        let document = IdDocumentType::from(raw.as_str());
        prop_assert_eq!(IdDocumentType::from(document.as_str()), document);
        let country: CountryAlpha2 = code.parse().expect("two letters");
        prop_assert_eq!(country.as_str().parse::<CountryAlpha2>(), Ok(country));
        let score = MatchScore::new(score).expect("in range");
        prop_assert_eq!(serde_json::from_value::<MatchScore>(serde_json::to_value(score).expect("serialises")).ok(), Some(score));
        for m in [Match::Matched, Match::Mismatched, Match::NotAvailable] {
            prop_assert_eq!(m.as_str().parse::<Match>(), Ok(m));
        }
    }

    #[test]
    fn normalisation_is_idempotent(input in free_text()) {
        let text = normalize_text(&input);
        prop_assert_eq!(normalize_text(&text), text.clone());
        let name = normalize_name(&input);
        prop_assert_eq!(normalize_name(&name), name.clone());
        // Names only lose characters against text, never gain words.
        prop_assert!(!name.starts_with(' ') && !name.ends_with(' ') && !name.contains("  "));
    }

    #[test]
    fn scores_are_symmetric_and_below_100_for_different_inputs(a in free_text(), b in free_text()) {
        let score = similarity_score(&a, &b);
        prop_assert_eq!(score, similarity_score(&b, &a));
        if a == b {
            prop_assert_eq!(score, MatchScore::PERFECT);
        } else {
            prop_assert!(score.value() <= 99);
        }
    }

    #[test]
    fn a_record_matches_its_own_claims(claims in claims()) {
        let result = Matcher::new().match_claims(&claims, &claims);
        for field in KycField::ALL {
            match result.get(field) {
                None => prop_assert!(!claims.has(field), "{} claimed but missing", field),
                // A value that normalises to nothing is treated as absent on the record side.
                Some(outcome) => prop_assert!(
                    outcome.result == Match::Matched || outcome.result == Match::NotAvailable,
                    "{}: {:?}", field, outcome
                ),
            }
        }
    }

    #[test]
    fn matcher_output_is_strict_0_4_0(claims in claims(), record in claims()) {
        let result = Matcher::new().match_claims(&claims, &record);
        let body = serde_json::to_vec(&result).expect("results serialise");
        prop_assert_eq!(KycMatchResult::from_json_slice_strict(&body, KycVersion::V0_4), Ok(result));
    }
}
