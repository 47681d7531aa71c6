//! The committed fixtures under `tests/fixtures/responses` (used by the CLI's tests) are what the
//! builder here produces, and verify as their names say.
//!
//! Regenerate them with `NETID_SAML_WRITE_FIXTURES=1 cargo test -p netid-saml --test it fixtures`.

use std::io::Write as _;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use netid_saml::Check;

use crate::support::{Resp, Sign, now, openssl_sign, stores, verifier};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/responses")
}

fn redirect_query() -> String {
    let xml = Resp {
        sign: Sign::Nothing,
        ..Resp::default()
    }
    .signed();
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let part = format!(
        "SAMLResponse={}&RelayState=%2Fhome&SigAlg={}",
        enc(&STANDARD.encode(e.finish().unwrap())),
        enc("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );
    let sig = openssl_sign(part.as_bytes(), "idp", "sha256");
    format!("{part}&Signature={}\n", enc(&STANDARD.encode(sig)))
}

/// A ~4 KB assertion-signed response (the size the bench is specified for).
fn bench_response() -> String {
    let mut resp = Resp::default();
    resp.attributes
        .retain(|k, _| ["OrangeAPIToken", "givenname", "surname", "emailaddress"].contains(&k.as_str()));
    resp.signed()
}

fn expected() -> Vec<(&'static str, String, Option<Check>)> {
    let honest = Resp::default().signed();
    vec![
        ("assertion-signed.xml", honest.clone(), None),
        (
            "response-signed.b64",
            format!(
                "{}\n",
                STANDARD.encode(
                    Resp {
                        sign: Sign::Response,
                        ..Resp::default()
                    }
                    .signed()
                )
            ),
            None,
        ),
        (
            "tampered-nameid.xml",
            honest.replace("4b124ae2-0126-102b-8852-001a641049bb", "admin"),
            Some(Check::Signature),
        ),
        (
            "unsigned.xml",
            Resp {
                sign: Sign::Nothing,
                ..Resp::default()
            }
            .signed(),
            Some(Check::Signature),
        ),
        ("redirect.query", redirect_query(), None),
        ("bench-4k.xml", bench_response(), None),
    ]
}

#[test]
fn committed_fixtures_verify_as_named() {
    let write = std::env::var_os("NETID_SAML_WRITE_FIXTURES").is_some();
    for (name, content, check) in expected() {
        let path = dir().join(name);
        if write {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &content).unwrap();
        }
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{name}: {e} (regenerate with NETID_SAML_WRITE_FIXTURES=1)"));
        let (requests, replay) = stores();
        let v = verifier();
        let body = committed.trim();
        let result = if name.ends_with(".query") {
            v.verify_redirect(body, now(), &requests, &replay)
        } else if name.ends_with(".b64") {
            v.verify_post(body.as_bytes(), now(), &requests, &replay)
        } else {
            v.verify_xml(body.as_bytes(), now(), &requests, &replay)
        };
        assert_eq!(result.err().and_then(|e| e.check()), check, "{name}");
    }
}
