//! The HTTP-Redirect binding's query signature on an `AuthnRequest` (SAML Bindings §3.4.4.1):
//! `Signature` is over the exact octets `SAMLRequest=…[&RelayState=…]&SigAlg=…` as they appear in
//! the received query, so the values are kept raw (never decoded then re-encoded) until checked.
//!
//! Only two algorithms are accepted: `xmldsig-more#rsa-sha256` (RSA PKCS#1 v1.5) and
//! `xmldsig-more#ecdsa-sha256` (P-256, the XML-DSig `r || s` signature value). SHA-1 and every
//! other `SigAlg` are refused.

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// `SigAlg` of RSA PKCS#1 v1.5 with SHA-256.
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// `SigAlg` of ECDSA P-256 with SHA-256.
const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
/// `SigAlg` of RSA with SHA-1, named only to give a precise refusal.
const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
/// Largest Base64 `Signature` read (an RSA-8192 signature is 1368 characters).
const MAX_SIGNATURE: usize = 2048;

/// The parameters of an SSO query, as received (still percent-encoded).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct RawQuery<'q> {
    pub(super) saml_request: Option<&'q str>,
    /// A `SAMLResponse` (the SP's LogoutResponse on the SLO endpoint).
    pub(super) saml_response: Option<&'q str>,
    pub(super) relay_state: Option<&'q str>,
    sig_alg: Option<&'q str>,
    signature: Option<&'q str>,
}

/// The parameters the binding defines, each of which must carry `=`.
const SIGNED_PARAMETERS: [&str; 5] = ["SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature"];

/// Splits the query without decoding; a repeated parameter is refused, since the signed octets
/// and the value acted on could otherwise differ.
pub(super) fn split(query: &str) -> Result<RawQuery<'_>, &'static str> {
    let mut raw = RawQuery::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        // A bare `RelayState` is not `RelayState=`: read as an empty value, a query whose `=` was
        // changed to `&` would rebuild the same signed octets and verify (found by fuzzing).
        let Some((key, value)) = pair.split_once('=') else {
            if SIGNED_PARAMETERS.contains(&pair) {
                return Err("a SAML query parameter has no `=`");
            }
            continue;
        };
        let slot = match key {
            "SAMLRequest" => &mut raw.saml_request,
            "SAMLResponse" => &mut raw.saml_response,
            "RelayState" => &mut raw.relay_state,
            "SigAlg" => &mut raw.sig_alg,
            "Signature" => &mut raw.signature,
            // Not covered by the signature, never read.
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err("a query parameter is repeated");
        }
    }
    Ok(raw)
}

/// A percent-encoded query value, decoded (`+` as space, as forms encode it).
pub(super) fn decode(value: &str) -> String {
    url::form_urlencoded::parse(format!("v={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// Checks the query signature with the key of the SP's certificate (DER).
pub(super) fn verify(raw: &RawQuery<'_>, certificate_der: &[u8]) -> Result<(), &'static str> {
    let (param, message) = match (raw.saml_request, raw.saml_response) {
        (Some(request), None) => ("SAMLRequest", request),
        (None, Some(response)) => ("SAMLResponse", response),
        _ => return Err("the query carries one SAMLRequest or one SAMLResponse"),
    };
    let (Some(sig_alg), Some(signature)) = (raw.sig_alg, raw.signature) else {
        return Err("the service provider signs its requests: SigAlg and Signature are required");
    };
    let algorithm = decode(sig_alg);
    if algorithm != RSA_SHA256 && algorithm != ECDSA_SHA256 {
        return Err(if algorithm == RSA_SHA1 {
            "SigAlg rsa-sha1 is refused (SHA-1 is broken)"
        } else {
            "SigAlg is not rsa-sha256 or ecdsa-sha256"
        });
    }
    let signature = decode(signature);
    if signature.len() > MAX_SIGNATURE {
        return Err("Signature is too long");
    }
    let compact: String = signature.chars().filter(|c| !c.is_whitespace()).collect();
    let signature = STANDARD.decode(compact).map_err(|_| "Signature is not Base64")?;
    let mut signed = format!("{param}={message}");
    if let Some(relay_state) = raw.relay_state {
        signed.push_str("&RelayState=");
        signed.push_str(relay_state);
    }
    signed.push_str("&SigAlg=");
    signed.push_str(sig_alg);
    let spki = bergshamra::keys::loader::load_x509_cert_der(certificate_der)
        .ok()
        .and_then(|key| key.to_spki_der())
        .ok_or("the service provider's certificate does not parse")?;
    let verified = if algorithm == RSA_SHA256 {
        verify_rsa_sha256(&spki, signed.as_bytes(), &signature)
    } else {
        verify_ecdsa_p256(&spki, signed.as_bytes(), &signature)
    };
    if verified {
        Ok(())
    } else {
        Err("the request signature does not verify with the service provider's certificate")
    }
}

/// Appends `&SigAlg=…&Signature=…` to `query` (`SAMLRequest=…[&RelayState=…]` or the same with
/// `SAMLResponse`), signed with `pair`'s key as RSA-SHA256 (SAML Bindings §3.4.4.1).
pub(super) fn sign(query: &str, pair: super::SigningPair) -> Result<String, String> {
    let key =
        bergshamra::keys::loader::load_rsa_private_pem(pair.key_pem.as_bytes()).map_err(|e| e.to_string())?;
    let mut signed = format!(
        "{query}&SigAlg={}",
        url::form_urlencoded::byte_serialize(RSA_SHA256.as_bytes()).collect::<String>()
    );
    let software = key
        .software_key()
        .map_err(|e| e.to_string())?
        .ok_or("the IdP key cannot sign in software")?;
    let signature = bergshamra::crypto::sign::from_uri(RSA_SHA256)
        .and_then(|alg| alg.sign(&software, signed.as_bytes()))
        .map_err(|e| e.to_string())?;
    signed.push_str("&Signature=");
    signed.extend(url::form_urlencoded::byte_serialize(
        STANDARD.encode(signature).as_bytes(),
    ));
    Ok(signed)
}

/// RSA PKCS#1 v1.5 over SHA-256 (AWS-LC); `false` for a key that is not RSA of 2048 to 8192 bits.
fn verify_rsa_sha256(spki: &[u8], data: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki)
        .verify(data, signature)
        .is_ok()
}

/// ECDSA P-256 over SHA-256 with the XML-DSig `r || s` value (AWS-LC); `false` for a key that is
/// not P-256.
fn verify_ecdsa_p256(spki: &[u8], data: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, spki)
        .verify(data, signature)
        .is_ok()
}

/// The cargo-fuzz entry point (`netid_server::fuzzing::fuzz_query_signature`). Properties: any
/// query is split and checked without a panic; a query carrying the input as its message (and
/// relay state) signed with the sandbox's test key verifies with its certificate; changing any one
/// octet the signature covers (everything before `&Signature=`) makes it fail.
pub(crate) fn fuzz(data: &[u8]) {
    static CERTIFICATE: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    let Some(certificate) = CERTIFICATE
        .get_or_init(|| pem_body(super::IDP_CERT_PEM))
        .as_deref()
    else {
        return;
    };
    if let Ok(query) = std::str::from_utf8(data)
        && let Ok(raw) = split(query)
    {
        let _ = verify(&raw, certificate);
    }

    // Two bytes choose the octet to change and its new value; the rest is the message, then the
    // relay state after the first NUL.
    let [at_high, at_low, replacement, rest @ ..] = data else {
        return;
    };
    let (message, relay_state) = match rest.iter().position(|b| *b == 0) {
        Some(nul) => (&rest[..nul], Some(&rest[nul + 1..])),
        None => (rest, None),
    };
    let mut query = format!(
        "SAMLRequest={}",
        url::form_urlencoded::byte_serialize(message).collect::<String>()
    );
    if let Some(relay_state) = relay_state {
        query.push_str("&RelayState=");
        query.extend(url::form_urlencoded::byte_serialize(relay_state));
    }
    let Ok(signed) = sign(&query, super::IDP_KEY) else {
        return;
    };
    let verdict = split(&signed).and_then(|raw| verify(&raw, certificate));
    assert_eq!(verdict, Ok(()), "a signed query does not verify");
    let covered = signed.find("&Signature=").unwrap_or(signed.len());
    let at = usize::from(u16::from_be_bytes([*at_high, *at_low])) % covered;
    let mut tampered = signed.into_bytes();
    // A printable ASCII octet other than the one there, so the query stays text.
    let mut octet = b' ' + replacement % 95;
    if octet == tampered[at] {
        octet = if octet == b'~' { b' ' } else { octet + 1 };
    }
    tampered[at] = octet;
    let refused = std::str::from_utf8(&tampered).map_or(true, |query| {
        split(query).and_then(|raw| verify(&raw, certificate)).is_err()
    });
    assert!(refused, "a query with a changed signed octet still verifies");
}

/// The DER inside a PEM certificate.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_raw_values_and_refuses_repeats() {
        let raw = split("SAMLRequest=a%2Bb&RelayState=x+y&SigAlg=s&Signature=t&other=1").unwrap();
        assert_eq!(raw.saml_request, Some("a%2Bb"));
        assert_eq!(raw.saml_response, None);
        assert_eq!(raw.relay_state, Some("x+y"));
        assert_eq!(raw.sig_alg, Some("s"));
        assert_eq!(raw.signature, Some("t"));
        assert_eq!(
            split("SAMLRequest=a&SAMLRequest=b"),
            Err("a query parameter is repeated")
        );
        assert_eq!(decode("x+y%2B"), "x y+");
    }

    /// `fuzz/artifacts/server_query_signature/crash-aeb0925c…`: the `=` of an empty `RelayState`
    /// changed to `&` (`RelayState&&SigAlg=…`) was read as `RelayState=` and the tampered query
    /// verified.
    #[test]
    fn fuzz_regression_a_bare_relay_state_is_refused() {
        fuzz(&[0x1e, 0x00, 0x06, 0x0a, b'z', b'\'', 0x00]);
        assert_eq!(
            split("SAMLRequest=a&RelayState&SigAlg=s&Signature=t"),
            Err("a SAML query parameter has no `=`")
        );
        for bare in SIGNED_PARAMETERS {
            assert!(split(&format!("x=1&{bare}")).is_err(), "{bare}");
        }
        assert!(split("SAMLRequest=a&other&SigAlg=s").is_ok());
    }

    #[test]
    fn refuses_unsigned_and_unknown_algorithms() {
        let cases = [
            (
                "SAMLRequest=a",
                "the service provider signs its requests: SigAlg and Signature are required",
            ),
            (
                "SAMLRequest=a&SigAlg=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1&Signature=AA%3D%3D",
                "SigAlg rsa-sha1 is refused (SHA-1 is broken)",
            ),
            (
                "SAMLRequest=a&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha512&Signature=AA%3D%3D",
                "SigAlg is not rsa-sha256 or ecdsa-sha256",
            ),
            (
                "SAMLRequest=a&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=%%%",
                "Signature is not Base64",
            ),
            (
                "SAMLRequest=a&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=AA%3D%3D",
                "the service provider's certificate does not parse",
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(
                verify(&split(query).unwrap(), b"not a certificate"),
                Err(expected),
                "{query}"
            );
        }
    }

    #[test]
    fn fuzz_entry_signs_verifies_and_refuses_changed_octets() {
        let mut inputs: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"SAMLRequest=a&SigAlg=b&Signature=c".to_vec(),
            b"\0\0\0".to_vec(),
            b"\x01\x02a<samlp:AuthnRequest/>".to_vec(),
            b"\xff\xff\x7fmessage\0relay state".to_vec(),
        ];
        // Every octet position of a short query, with relay state.
        for at in 0_u8..80 {
            inputs.push([&[0, at, at][..], b"m\0r"].concat());
        }
        for input in inputs {
            fuzz(&input);
        }
    }
}
