//! RSA-2048 PKCS#1 v1.5 SHA-256 verification, ES256 signing and verification: the RustCrypto crates
//! the workspace used (`rsa` 0.10 release candidate as bergshamra builds it, `p256` 0.13 as
//! netid-ciba signed) beside `aws-lc-rs`, the stack the workspace moves to (so `aws_lc_rs` rows are
//! "ours").

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _, ParsedPublicKey,
    RSA_PKCS1_2048_8192_SHA256,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as BASE64URL};
use bergshamra::c14n::{self, C14nMode};
use bergshamra::xml::nodeset::NodeSet;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use rsa::pkcs1v15::{Signature as RsaSignature, VerifyingKey as RsaVerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;

use crate::Row;
use crate::saml::{XML, idp_keys};

const NS_DS: &str = "http://www.w3.org/2000/09/xmldsig#";

/// The real RSA input: the fixture's canonical SignedInfo, its SignatureValue and the IdP's
/// SubjectPublicKeyInfo, as the `part_rsa_verify` row of the criterion bench takes them.
struct RsaInput {
    signed: Vec<u8>,
    signature: Vec<u8>,
    spki: Vec<u8>,
}

fn rsa_input() -> Result<RsaInput, String> {
    let doc = uppsala::Parser::new()
        .with_forbid_dtd(true)
        .parse(XML)
        .map_err(|err| format!("the fixture does not parse: {err:?}"))?;
    let find = |local: &str| {
        doc.descendants(doc.root())
            .into_iter()
            .find(|&id| doc.element(id).is_some_and(|e| e.matches_name_ns(NS_DS, local)))
            .ok_or(format!("the fixture has no ds:{local}"))
    };
    let nodes = NodeSet::tree_without_comments(find("SignedInfo")?, &doc);
    let no_prefixes: &[&str] = &[];
    let signed = c14n::canonicalize_doc(&doc, C14nMode::Exclusive, Some(&nodes), no_prefixes)
        .map_err(|err| format!("C14N of SignedInfo: {err:?}"))?;
    let text: String = doc
        .text_content_deep(find("SignatureValue")?)
        .split_whitespace()
        .collect();
    let signature = BASE64
        .decode(text)
        .map_err(|err| format!("SignatureValue: {err}"))?;
    let keys = idp_keys()?;
    let key = keys.keys().next().ok_or("no IdP key")?;
    let spki = key
        .to_spki_der()
        .ok_or("the IdP key has no SubjectPublicKeyInfo")?;
    Ok(RsaInput {
        signed,
        signature,
        spki,
    })
}

/// What a CIBA client signs: a JWT's `header.payload`, about the size of a client assertion.
fn jwt_signing_input() -> Vec<u8> {
    let header = BASE64URL.encode(br#"{"alg":"ES256","kid":"client-1","typ":"JWT"}"#);
    let claims = BASE64URL.encode(
        br#"{"iss":"client-1","sub":"client-1","aud":"https://op.example/token","jti":"0f8e2a6c-1d5b-4c1e-9a3b-7e6d5c4b3a21","iat":1767225900,"exp":1767226200}"#,
    );
    format!("{header}.{claims}").into_bytes()
}

pub(crate) fn rows() -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();

    let input = rsa_input()?;
    let aws_rsa = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &input.spki)
        .map_err(|err| format!("aws-lc-rs rejects the IdP key: {err}"))?;
    let rc_rsa = RsaVerifyingKey::<sha2::Sha256>::new(
        rsa::RsaPublicKey::from_public_key_der(&input.spki)
            .map_err(|err| format!("rsa rejects the IdP key: {err}"))?,
    );
    let rc_signature = RsaSignature::try_from(input.signature.as_slice())
        .map_err(|err| format!("rsa rejects the signature: {err}"))?;
    aws_rsa
        .verify_sig(&input.signed, &input.signature)
        .map_err(|_| "aws-lc-rs does not verify the fixture's signature")?;
    rc_rsa
        .verify(&input.signed, &rc_signature)
        .map_err(|err| format!("rsa does not verify the fixture's signature: {err}"))?;
    const RSA_OURS: &str = "crypto/rsa2048_pkcs1_sha256_verify/aws_lc_rs";
    let (signed, signature) = (input.signed.clone(), input.signature);
    rows.push(Row::simple(RSA_OURS, None, move || {
        aws_rsa.verify_sig(&signed, &signature).is_ok()
    }));
    let signed = input.signed;
    rows.push(Row::simple(
        "crypto/rsa2048_pkcs1_sha256_verify/rustcrypto_rsa",
        Some(RSA_OURS),
        move || rc_rsa.verify(&signed, &rc_signature).is_ok(),
    ));

    // A fixed test key (not a secret): both stacks hold the same P-256 key pair.
    let p256_signing =
        p256::ecdsa::SigningKey::from_slice(&[0x5a; 32]).map_err(|err| format!("p256 test key: {err}"))?;
    let p256_verifying = *p256_signing.verifying_key();
    let public_point = p256_verifying.to_encoded_point(false);
    let aws_signing = EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &p256_signing.to_bytes(),
        public_point.as_bytes(),
    )
    .map_err(|err| format!("aws-lc-rs rejects the test key: {err}"))?;
    let aws_verifying = ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, aws_signing.public_key())
        .map_err(|err| format!("aws-lc-rs rejects the public key: {err}"))?;
    let message = jwt_signing_input();
    let rng = SystemRandom::new();

    // Each stack verifies the other's signature, so both sign and verify the same thing.
    let p256_signature: p256::ecdsa::Signature = p256_signing.sign(&message);
    let aws_signature = aws_signing
        .sign(&rng, &message)
        .map_err(|_| "aws-lc-rs cannot sign")?;
    aws_verifying
        .verify_sig(&message, &p256_signature.to_bytes())
        .map_err(|_| "aws-lc-rs does not verify p256's signature")?;
    let from_aws = p256::ecdsa::Signature::from_slice(aws_signature.as_ref())
        .map_err(|err| format!("p256 cannot read aws-lc-rs's signature: {err}"))?;
    p256_verifying
        .verify(&message, &from_aws)
        .map_err(|err| format!("p256 does not verify aws-lc-rs's signature: {err}"))?;

    const SIGN_OURS: &str = "crypto/es256_sign/aws_lc_rs";
    let sign_message = message.clone();
    rows.push(Row::simple(SIGN_OURS, None, move || {
        aws_signing.sign(&rng, &sign_message).is_ok()
    }));
    let sign_message = message.clone();
    rows.push(Row::simple(
        "crypto/es256_sign/rustcrypto_p256",
        Some(SIGN_OURS),
        move || -> p256::ecdsa::Signature { p256_signing.sign(&sign_message) },
    ));

    const VERIFY_OURS: &str = "crypto/es256_verify/aws_lc_rs";
    let signature_bytes = p256_signature.to_bytes();
    let verify_message = message.clone();
    rows.push(Row::simple(VERIFY_OURS, None, move || {
        aws_verifying
            .verify_sig(&verify_message, &signature_bytes)
            .is_ok()
    }));
    rows.push(Row::simple(
        "crypto/es256_verify/rustcrypto_p256",
        Some(VERIFY_OURS),
        move || p256_verifying.verify(&message, &p256_signature).is_ok(),
    ));
    Ok(rows)
}
