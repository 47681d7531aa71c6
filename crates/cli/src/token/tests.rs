use clap::Parser;

use super::*;

#[derive(Debug, Parser)]
struct Cli {
    #[command(flatten)]
    args: TokenArgs,
}

fn parse(argv: &[&str]) -> Result<TokenPlan, String> {
    let cli = Cli::try_parse_from(std::iter::once("token").chain(argv.iter().copied()))
        .map_err(|error| format!("clap: {:?}", error.kind()))?;
    TokenPlan::from_args_with_env(cli.args, &|_| None)
}

#[test]
fn usage_errors_name_the_problem() {
    let check = |argv: &[&str], expected: &str| {
        let error = parse(argv).map(|_| ()).unwrap_err();
        assert!(error.contains(expected), "{argv:?}: {error}");
    };
    let issuer = ["--issuer", "https://op.example"];
    let client = ["--issuer", "https://op.example", "--client-id", "c"];
    check(&[], "give --issuer URL");
    check(
        &["--token-url", "https://op.example/token"],
        "clap: MissingRequiredArgument",
    );
    check(&issuer, "--client-id is required");
    check(&client, "--key is required");
    let with_key = [
        &client[..],
        &[
            "--key",
            "/nonexistent/key.pem",
            "--login-hint",
            "tel:+34654654654",
        ],
    ]
    .concat();
    check(&with_key, "cannot read /nonexistent/key.pem");
    let no_hint = [&client[..], &["--key", "/nonexistent/key.pem"]].concat();
    check(&no_hint, "--login-hint is required");
    let bad_hint = [&no_hint[..], &["--login-hint", "mailto:x"]].concat();
    check(&bad_hint, "--login-hint: ");
    let no_openid = [
        &no_hint[..],
        &["--login-hint", "tel:+34654654654", "--scope", "sim-swap"],
    ]
    .concat();
    check(&no_openid, "--scope: the scope must include openid");
    check(&["--alg", "HS256"], "clap: InvalidValue");
    check(&["--assertion-aud", "anything"], "clap: InvalidValue");
}

#[test]
fn the_token_prints_only_when_asked() {
    let mut report = TokenReport {
        ok: true,
        outcome: CibaOutcome::Granted,
        polls: 2,
        seconds: 1.5,
        error: None,
        token_type: Some("Bearer"),
        scope: Some(String::from("openid sim-swap:check")),
        expires_in: Some(3600),
        id_token_verified: Some(true),
        source: None,
        access_token: None,
    };
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"ok": true, "outcome": "granted", "polls": 2, "seconds": 1.5, "token_type": "Bearer",
            "scope": "openid sim-swap:check", "expires_in": 3600, "id_token_verified": true})
    );
    report.access_token = Some(AccessToken::new("tok-123"));
    assert!(!format!("{report:?}").contains("tok-123"));
    assert_eq!(serde_json::to_value(&report).unwrap()["access_token"], "tok-123");
    assert!(human(&report).ends_with("access_token tok-123"));
}
