//! The external signers and verifiers: `xmlsec1` for XML signatures, the `openssl` CLI for
//! HTTP-Redirect query signatures, and the scratch files they read and write.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::key_path;

pub(crate) fn tmp_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("saml-{}-{n}-{name}", std::process::id()))
}

pub(crate) fn run(cmd: &mut Command, tool: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "cannot run `{tool}` ({e}): the SAML tests sign their fixtures with it; install it with \
             `apt-get install -y xmlsec1 openssl` (CI's .ci/run does)"
        )
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Signs the first empty signature template in `xml` with Debian's `xmlsec1`.
pub(crate) fn xmlsec1_sign(xml: &str, key: &str, sig_alg: &str) -> String {
    xmlsec1_sign_ids(
        xml,
        key,
        sig_alg,
        &[
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
        ],
    )
}

/// Signs the first empty signature template in `xml` with `xmlsec1`, resolving `ID` attributes on
/// the elements `id_elements` (`namespace:LocalName`).
pub(crate) fn xmlsec1_sign_ids(xml: &str, key: &str, sig_alg: &str, id_elements: &[&str]) -> String {
    let input = tmp_path("template.xml");
    let output = tmp_path("signed.xml");
    std::fs::write(&input, xml).unwrap();
    let mut cmd = Command::new("xmlsec1");
    cmd.arg("--sign");
    if sig_alg.contains("hmac") {
        cmd.arg("--hmackey").arg(key_path(&format!("{key}.crt")));
    } else {
        cmd.arg("--privkey-pem").arg(format!(
            "{},{}",
            key_path(&format!("{key}.key")),
            key_path(&format!("{key}.crt"))
        ));
    }
    for element in id_elements {
        cmd.arg("--id-attr:ID").arg(element);
    }
    cmd.arg("--output").arg(&output).arg(&input);
    run(&mut cmd, "xmlsec1");
    let signed = std::fs::read_to_string(&output).unwrap();
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    signed
}

/// Signs `data` with `openssl dgst -<digest> -sign <key>.key`.
pub(crate) fn openssl_sign(data: &[u8], key: &str, digest: &str) -> Vec<u8> {
    let input = tmp_path("data.bin");
    std::fs::write(&input, data).unwrap();
    let sig = run(
        Command::new("openssl")
            .args(["dgst", &format!("-{digest}"), "-sign"])
            .arg(key_path(&format!("{key}.key")))
            .arg(&input),
        "openssl",
    );
    let _ = std::fs::remove_file(&input);
    sig
}

/// Verifies `sig` over `data` with `openssl dgst -verify` and the public key of `<cert>.crt`.
pub(crate) fn openssl_verify(data: &[u8], sig: &[u8], cert: &str) -> bool {
    let pubkey = tmp_path("pub.pem");
    let pem = run(
        Command::new("openssl")
            .args(["x509", "-pubkey", "-noout", "-in"])
            .arg(key_path(&format!("{cert}.crt"))),
        "openssl",
    );
    std::fs::write(&pubkey, pem).unwrap();
    let (d, s) = (tmp_path("data.bin"), tmp_path("sig.bin"));
    std::fs::write(&d, data).unwrap();
    std::fs::write(&s, sig).unwrap();
    let ok = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(&pubkey)
        .arg("-signature")
        .arg(&s)
        .arg(&d)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    for p in [pubkey, d, s] {
        let _ = std::fs::remove_file(p);
    }
    ok
}

/// Converts an `openssl dgst -sign` ECDSA signature (DER `SEQUENCE { r, s }`) to the XML-DSig
/// form (RFC 4050: `r || s`, each left-padded to `size` bytes), which the query signature uses.
pub(crate) fn ecdsa_der_to_raw(der: &[u8], size: usize) -> Vec<u8> {
    fn integer(input: &[u8]) -> (&[u8], &[u8]) {
        assert_eq!(input[0], 0x02, "DER INTEGER");
        let len = usize::from(input[1]);
        (&input[2..2 + len], &input[2 + len..])
    }
    assert_eq!(der[0], 0x30, "DER SEQUENCE");
    // P-256 signatures are shorter than 128 bytes: one length octet.
    let (r, rest) = integer(&der[2..]);
    let (s, _) = integer(rest);
    let mut out = Vec::with_capacity(2 * size);
    for n in [r, s] {
        let n = &n[n.iter().take_while(|b| **b == 0).count()..];
        out.extend(std::iter::repeat_n(0, size - n.len()));
        out.extend_from_slice(n);
    }
    out
}
