use netid_core::scope::Purpose;

use super::*;

#[test]
fn every_profile_is_found_by_its_name_and_api() {
    let mut seen = Vec::new();
    for profile in all() {
        let found = find(profile.api(), profile.name()).expect("listed profiles are found");
        assert_eq!(found, profile);
        assert!(
            !seen.contains(&(profile.api(), profile.name())),
            "{} {} listed twice",
            profile.api(),
            profile.name()
        );
        seen.push((profile.api(), profile.name()));
        for operation in Operation::of(profile.api()) {
            assert!(
                !profile.scopes(operation).is_empty(),
                "{} {operation}",
                profile.name()
            );
        }
    }
    assert_eq!(seen.len(), 17);
}

#[test]
fn unknown_names_list_the_api_profiles() {
    let error = find(Api::KycMatch, "orange-spain").expect_err("not a KYC Match profile");
    assert_eq!(
        error.to_string(),
        "unknown kyc-match profile \"orange-spain\", expected one of orange-france, camara-0.2.1, camara-0.4.0"
    );
}

#[test]
fn operator_facts_from_the_pages() {
    let check = |api: Api, name: &str, operation: Operation, hint: HintForm, scope: &str| {
        let profile = find(api, name).expect("known");
        assert_eq!(profile.hints().preferred(), hint, "{name}");
        assert_eq!(
            profile
                .scope(operation, &Purpose::FraudPreventionAndDetection)
                .to_string(),
            scope,
            "{name}"
        );
    };
    let fraud = "openid dpv:FraudPreventionAndDetection";
    check(
        Api::KycMatch,
        "orange-france",
        Operation::KycMatch,
        HintForm::Msisdn,
        &format!("{fraud} kyc-match:match"),
    );
    check(
        Api::SimSwap,
        "orange-spain",
        Operation::SimSwapRetrieveDate,
        HintForm::Tel,
        &format!("{fraud} sim-swap"),
    );
    check(
        Api::SimSwap,
        "camara-2.1.0",
        Operation::SimSwapCheck,
        HintForm::Tel,
        &format!("{fraud} sim-swap:check"),
    );
    check(
        Api::NumberVerification,
        "masstack",
        Operation::NumberVerificationDevicePhoneNumber,
        HintForm::OperatorToken,
        &format!("{fraud} number-verification:device-phone-number:read"),
    );
    check(
        Api::KycAgeVerification,
        "camara-0.2.1",
        Operation::KycAgeVerificationVerify,
        HintForm::Tel,
        &format!("{fraud} kyc-age-verification:verify"),
    );
    check(
        Api::KycFillIn,
        "camara-0.4.1",
        Operation::KycFillIn,
        HintForm::Tel,
        &format!("{fraud} kyc-fill-in:set-all"),
    );
    assert!(find(Api::SimSwap, "camara-2.1.0").is_ok_and(|profile| !profile.has_base_url()));
    assert!(find(Api::SimSwap, "orange-spain").is_ok_and(|profile| profile.provider().is_some()));
}

#[test]
fn joined_scopes_carry_the_purpose_on_each_api_scope() {
    let scope = ScopeStyle::Joined.scope(
        &Purpose::FraudPreventionAndDetection,
        &[ApiScope::SimSwapCheck, ApiScope::SimSwapRetrieveDate],
    );
    assert_eq!(
        scope.to_string(),
        "openid dpv:FraudPreventionAndDetection#sim-swap:check dpv:FraudPreventionAndDetection#sim-swap:retrieve-date"
    );
}

#[test]
fn hint_policies_put_the_preferred_form_first() {
    let policy = HintPolicy::new(HintForm::Msisdn, &[HintForm::Tel, HintForm::Msisdn]);
    assert_eq!(policy.accepted(), &[HintForm::Msisdn, HintForm::Tel]);
    assert!(policy.accepts(HintForm::Tel) && !policy.accepts(HintForm::IpPort));
    let number = PhoneNumber::parse_strict("+33699901040").expect("valid");
    assert_eq!(
        HintForm::Msisdn
            .for_number(&number)
            .map(|hint| hint.expose_value()),
        Some(String::from("33699901040"))
    );
    assert_eq!(HintForm::IpPort.for_number(&number), None);
}

#[test]
fn number_verification_tokens_are_single_use_and_the_others_reusable() {
    for profile in all() {
        let expected = match profile.api() {
            Api::NumberVerification => Reuse::SingleUse,
            _ => Reuse::Reusable,
        };
        assert_eq!(profile.reuse(), expected, "{} {}", profile.api(), profile.name());
    }
    let masstack = find(Api::NumberVerification, "masstack").expect("listed");
    assert_eq!(masstack.reuse(), Reuse::SingleUse);
    assert_eq!(
        masstack.with_reuse(Reuse::Reusable).reuse(),
        Reuse::Reusable,
        "a profile may say otherwise"
    );
}
