use std::path::Path;

use netid_camara::SpecVersion;

use super::*;
use crate::Operation;

fn env(name: &str) -> Option<String> {
    match name {
        "CLIENT_ID" => Some(String::from("from-env")),
        "CLIENT_KEY" => Some(String::from("-----BEGIN PRIVATE KEY-----\n…")),
        _ => None,
    }
}

fn parse(text: &str) -> Result<OperatorDescription, String> {
    OperatorDescription::from_toml_str(text).map_err(|error| error.to_string())
}

#[test]
fn a_full_file_resolves_every_api() {
    let description = parse(
        r#"
issuer = "https://op.example"
client-id-env = "CLIENT_ID"
key = "keys/client.pem"
purpose = "dpv:FraudPreventionAndDetection"
id-token = "insecure-ignore"

[kyc-match]
profile = "orange-france"

[sim-swap]
profile = "camara-2.1.0"
base-url = "https://op.example/sim-swap/v2/"
scope = "sim-swap:check sim-swap:retrieve-date"

[number-verification]
profile = "masstack"
strict = true
phone-without-plus = true
"#,
    )
    .expect("valid");
    assert_eq!(
        description
            .client
            .resolve_client_id(&env)
            .expect("set")
            .as_deref(),
        Some("from-env")
    );
    assert_eq!(description.provider.id_token, Some(IdTokenRule::InsecureIgnore));
    let kyc = description.api(Api::KycMatch).expect("kyc");
    assert_eq!(
        kyc.profile().client().base_url(),
        "https://api.orange.com/camara/ofr/kyc-match/v0.2"
    );
    assert_eq!(kyc.profile().spec(), SpecVersion::KycMatch0_2_1);
    assert_eq!(kyc.scopes(Operation::KycMatch), vec![ApiScope::KycMatchMatch]);
    let sim = description.api(Api::SimSwap).expect("sim-swap");
    assert_eq!(
        sim.profile().client().base_url(),
        "https://op.example/sim-swap/v2"
    );
    assert_eq!(sim.profile().client().tolerance(), Tolerance::strict());
    assert_eq!(
        sim.scopes(Operation::SimSwapCheck),
        vec![ApiScope::SimSwapCheck, ApiScope::SimSwapRetrieveDate]
    );
    let nv = description.api(Api::NumberVerification).expect("nv");
    assert_eq!(nv.profile().spec(), SpecVersion::NumberVerification2_0_0);
    assert_eq!(nv.profile().client().tolerance(), Tolerance::strict());
    assert_eq!(nv.profile().client().phone_style(), PhoneStyle::Digits);
}

/// Found by the `operator_file` fuzz target: `purpose = "dpv:FraudPr<o AndDetection"` was read as
/// one purpose and rendered as two scope tokens, so the file changed the scope requested. A purpose
/// is now a known DPV purpose, or a custom one made of ASCII letters and digits; API scopes must be
/// scope tokens.
#[test]
fn fuzz_regression_purpose_and_scopes_are_scope_tokens() {
    for purpose in ["dpv:FraudPr<o AndDetection", "dpv:A\\\"B", "", "dpv:\\u0001"] {
        for custom in ["", "custom-purpose = true\n"] {
            let text = format!("{custom}purpose = \"{purpose}\"");
            let error = OperatorDescription::from_toml_str(&text).expect_err(&text);
            assert!(error.to_string().contains("purpose:"), "{text}: {error}");
        }
    }
    let scope = "[sim-swap]\nprofile = \"orange-spain\"\nscope = \"sim-swap a\\\\b\"";
    assert_eq!(
        OperatorDescription::from_toml_str(scope).expect_err(scope),
        DescriptionError::ScopeToken {
            key: "[sim-swap] scope".to_owned()
        }
    );
    let fine = "custom-purpose = true\npurpose = \"dpv:FraudPrAndDetection\"\n[sim-swap]\nprofile = \"orange-spain\"\nscope = \" sim-swap  sim-swap:check \"";
    assert!(OperatorDescription::from_toml_str(fine).is_ok());
}

#[test]
fn bad_files_say_which_key_is_wrong() {
    let check = |text: &str, expected: &str| {
        let error = parse(text).map(|_| ()).expect_err(text);
        assert!(error.contains(expected), "{text:?}: {error}");
    };
    check("issuer = ", "TOML parse error at line 1");
    check(
        "unknown-key = 1",
        "unknown field `unknown-key`, expected one of `issuer`, `bc-authorize-url`",
    );
    check("givenname = 1", "`kyc-match`, `sim-swap`, `number-verification`");
    check("purpose = 3", "invalid type: integer `3`, expected a string");
    check(
        "purpose = \"FraudPreventionAndDetection\"",
        "purpose: purpose `FraudPreventionAndDetection` lacks the dpv: prefix: write `dpv:FraudPreventionAndDetection`",
    );
    check(
        "purpose = \"dpv:Marketing\"",
        "purpose: unknown purpose `dpv:Marketing`; known purposes: dpv:FraudPreventionAndDetection, ",
    );
    check(
        "purpose = \"dpv:Marketing\"",
        "(an operator-defined dpv: purpose needs custom-purpose = true)",
    );
    check(
        "purpose = \"Marketing\"\ncustom-purpose = true",
        "purpose: a custom purpose must be dpv: followed by",
    );
    check("custom-purpose = true", "custom-purpose = true needs a purpose");
    check(
        "custom-purpose = \"yes\"",
        "invalid type: string \"yes\", expected a boolean",
    );
    check(
        "id-token = \"ignore\"",
        "unknown variant `ignore`, expected one of",
    );
    check("alg = \"HS256\"", "unknown variant `HS256`");
    check(
        "[sim-swap]\nprofile = \"orange-spain\"\nbase = 1",
        "unknown field `base`",
    );
    check("[sim-swap]\nstrict = true", "missing field `profile`");
    check(
        "[sim-swap]\nprofile = \"orange-spain\"\nflow = \"implicit\"",
        "unknown variant `implicit`, expected one of `ciba`, `authorization-code`, `jwt-bearer`",
    );
    let resolve = |text: &str, api: Api| {
        parse(text)
            .expect(text)
            .api(api)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        resolve("[kyc-match]\nprofile = \"camara-0.4.0\"", Api::KycMatch),
        "[kyc-match] base-url is required with profile camara-0.4.0"
    );
    assert_eq!(
        resolve("[kyc-match]\nprofile = \"orange-spain\"", Api::KycMatch),
        "[kyc-match] profile: unknown kyc-match profile \"orange-spain\", expected one of orange-france, camara-0.2.1, camara-0.4.0"
    );
    assert_eq!(
        resolve("", Api::SimSwap),
        "the operator file has no [sim-swap] table"
    );
}

#[test]
fn purposes_are_checked_and_custom_ones_named() {
    let purpose = |text: &str| parse(text).expect(text).purpose;
    let cases = [
        ("", None),
        (
            "purpose = \"dpv:IdentityVerification\"",
            Some(Purpose::IdentityVerification),
        ),
        (
            "custom-purpose = true\npurpose = \"dpv:Marketing\"",
            Some(Purpose::Other("dpv:Marketing".to_owned())),
        ),
        (
            "purpose = \"dpv:Marketing\"\ncustom-purpose = true",
            Some(Purpose::Other("dpv:Marketing".to_owned())),
        ),
        (
            "purpose = \"dpv:FraudPreventionAndDetection\"\ncustom-purpose = false",
            Some(Purpose::FraudPreventionAndDetection),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(purpose(text), expected, "{text:?}");
    }
}

#[test]
fn secrets_come_from_one_place_each() {
    let client = |text: &str| parse(text).expect(text).client;
    let check = |text: &str, expected: &str| {
        let client = client(text);
        let error = client
            .resolve_client_id(&env)
            .and_then(|_| client.resolve_key(&env))
            .map(|_| ())
            .expect_err(text);
        assert_eq!(error.to_string(), expected, "{text}");
    };
    check("client-id-env = \"NOPE\"", "client-id-env: NOPE is not set");
    check("key-env = \"NOPE\"", "key-env: NOPE is not set");
    check(
        "client-id = \"a\"\nclient-id-env = \"CLIENT_ID\"",
        "give client-id or client-id-env, not both",
    );
    check(
        "key = \"k.pem\"\nkey-env = \"CLIENT_KEY\"",
        "give key or key-env, not both",
    );
    let key = client("key-env = \"CLIENT_KEY\"")
        .resolve_key(&env)
        .expect("set")
        .expect("given");
    assert_eq!(key.origin(), "key-env $CLIENT_KEY");
    assert!(!format!("{key:?}").contains("BEGIN PRIVATE KEY"));
}

#[test]
fn a_relative_key_is_read_beside_the_file() {
    let dir = std::env::temp_dir().join(format!("netid-description-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("keys")).expect("dir");
    std::fs::write(dir.join("keys/client.pem"), "PEM").expect("key");
    std::fs::write(dir.join("netid.toml"), "key = \"keys/client.pem\"").expect("file");
    let description = OperatorDescription::read(&dir.join("netid.toml")).expect("read");
    let key = description
        .client
        .resolve_key(&env)
        .expect("readable")
        .expect("given");
    assert_eq!(key.expose_secret(), "PEM");
    let missing = OperatorDescription::read(Path::new("/nonexistent/netid.toml")).expect_err("missing");
    assert!(
        missing
            .to_string()
            .starts_with("cannot read /nonexistent/netid.toml: "),
        "{missing}"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned");
}

proptest::proptest! {
    /// Any text, and any mix of the file's keys with arbitrary values, gives a description or a typed
    /// error; a secret read from the environment never shows in the error.
    #[test]
    fn any_operator_file_gives_a_description_or_an_error(
        text in "\\PC{0,200}",
        lines in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "issuer", "client-id", "client-id-env", "key", "key-env", "purpose", "alg", "id-token",
                    "[kyc-match]", "[sim-swap]", "[number-verification]", "profile", "base-url",
                    "strict", "scope",
                ]),
                proptest::sample::select(vec![
                    "\"CLIENT_KEY\"", "\"CLIENT_ID\"", "\"camara-2.1.0\"", "\"orange-france\"",
                    "\"https://op.example\"", "true", "3", "\"\"", "[]", "\"optional\"",
                ]),
            ),
            0..10,
        ),
    ) {
        let _ = parse(&text);
        let file: String = lines
            .iter()
            .map(|(key, value)| {
                if key.starts_with('[') { format!("{key}\n") } else { format!("{key} = {value}\n") }
            })
            .collect();
        match parse(&file) {
            Ok(description) => {
                for api in [Api::KycMatch, Api::SimSwap, Api::NumberVerification] {
                    let _ = description.api(api);
                }
                if let Err(error) = description.client.resolve_key(&env) {
                    proptest::prop_assert!(!error.to_string().contains("BEGIN PRIVATE KEY"), "{error}");
                }
            }
            Err(error) => proptest::prop_assert!(!error.contains("BEGIN PRIVATE KEY"), "{error}"),
        }
    }
}
