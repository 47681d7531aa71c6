//! Unit tests of the error type and the origin.

use super::*;

#[test]
fn kinds_and_retryability() {
    fn check(error: TransportError, kind: &str, retryable: bool) {
        assert_eq!(error.kind().as_str(), kind, "{error:?}");
        assert_eq!(error.is_retryable(), retryable, "{error:?}");
        let caused = error.clone().with_cause("why");
        assert_eq!(caused.kind().as_str(), kind, "{caused:?}");
        assert_eq!(caused.is_retryable(), retryable, "{caused:?}");
    }
    check(TransportError::connect(), "connect", true);
    check(TransportError::timeout(), "timeout", true);
    check(TransportError::body(), "body", true);
    check(TransportError::redirect(), "redirect", false);
    check(TransportError::Other("bad header".into()), "other", false);
}

#[test]
fn display_is_lowercase_without_period_and_names_the_cause() {
    let cases = [
        (TransportError::connect(), "could not connect to the server"),
        (
            TransportError::connect().with_cause("tcp connect error: Connection refused (os error 111)"),
            "could not connect to the server: tcp connect error: Connection refused (os error 111)",
        ),
        (TransportError::timeout(), "the request timed out"),
        (
            TransportError::timeout().with_cause("operation timed out"),
            "the request timed out: operation timed out",
        ),
        (
            TransportError::body(),
            "the response body could not be read completely",
        ),
        (
            TransportError::redirect(),
            "the server answered with a redirect, which is not followed",
        ),
        (TransportError::Other("x".into()), "transport failure: x"),
        (
            TransportError::Other("x".into()).with_cause("y"),
            "transport failure: x: y",
        ),
    ];
    for (error, expected) in cases {
        let text = error.to_string();
        assert_eq!(text, expected);
        assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
        assert!(!text.ends_with('.'), "{text}");
    }
    assert_eq!(TransportError::connect().cause(), None);
    assert_eq!(TransportError::connect().with_cause("why").cause(), Some("why"));
}

#[test]
fn origins_keep_scheme_host_and_port_only() {
    let cases = [
        (
            "https://op.example/camara/sim-swap/v1/check?token=abc",
            "https://op.example",
        ),
        (
            "https://user:secret@op.example:8443/token",
            "https://op.example:8443",
        ),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://[::1]:9/x", "http://[::1]:9"),
        ("/relative/path", "(no host)"),
    ];
    for (uri, expected) in cases {
        let uri: http::Uri = uri.parse().expect(uri);
        assert_eq!(Origin::of(&uri).to_string(), expected);
    }
}
