//! The logout messages' entry point (`fuzz/fuzz_targets/saml_logout.rs`).

use std::sync::OnceLock;

use super::{IDP_CERT, SP_KEY, now};
use crate::{
    IdentityProvider, IdpCertificate, InMemoryReplayCache, InMemoryRequestStore, LogoutRequestBuilder,
    LogoutSession, LogoutVerifier, NameId, Received, ResponseVerifier, ServiceProvider, VerifiedLogout,
};

/// The SP's SLO URL of the logout verifier below.
const SP_SLO: &str = "https://sp.example/saml/slo";

/// Logout messages: arbitrary bytes as a POSTed value, as XML and as a Redirect query (with the
/// SP decryption key, so an EncryptedID reaches the decryptor); then as the XML behind a verified
/// query signature. Properties: nothing panics; an accepted LogoutRequest names the session's
/// NameID; a LogoutRequest the SP builds for a NameID taken from the input reads back with that
/// NameID.
pub fn fuzz_logout(data: &[u8]) {
    static VERIFIER: OnceLock<Option<LogoutVerifier>> = OnceLock::new();
    let Some(v) = VERIFIER
        .get_or_init(|| {
            let key = crate::DecryptionKey::from_pem(SP_KEY).ok()?;
            let cert = IdpCertificate::from_pem(IDP_CERT).ok()?;
            let idp = IdentityProvider::new("https://idp.example/saml", vec![cert]);
            let sp = ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs")
                .with_slo_url(SP_SLO);
            LogoutVerifier::new(ResponseVerifier::new(idp, sp).decryption_key(key)).ok()
        })
        .as_ref()
    else {
        return;
    };
    let session = LogoutSession::new(NameId::new("fuzz-subject", None), Some("_s1".to_owned()));
    let accepted = |result: Result<crate::UnconsumedLogout, crate::Error>, session: &LogoutSession| {
        let (requests, replay) = (InMemoryRequestStore::new(), InMemoryReplayCache::new());
        if let Ok(VerifiedLogout::Request(r)) = result.and_then(|u| u.consume_sync(&requests, &replay)) {
            assert_eq!(
                r.name_id.value.expose_pii(),
                session.name_id.value.expose_pii(),
                "accepted a LogoutRequest for another NameID"
            );
        }
    };
    accepted(v.check(Received::Post(data), Some(&session), now()), &session);
    accepted(v.check(Received::Xml(data), Some(&session), now()), &session);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    accepted(v.check(Received::Redirect(text), Some(&session), now()), &session);
    accepted(
        v.check_text(text, [None, None], true, Some(&session), now()),
        &session,
    );

    // Round trip: the SP's own request (as the IdP would send it) for a NameID from the input.
    let value = text.lines().next().unwrap_or_default();
    if value.is_empty()
        || value.trim() != value
        || value
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
    {
        return;
    }
    let session = LogoutSession::new(NameId::new(value, None), None);
    let as_idp = ServiceProvider::new("https://idp.example/saml", "-");
    let Ok(request) = LogoutRequestBuilder::new(&as_idp, SP_SLO, session.clone()).build(now(), &FixedRandom)
    else {
        return;
    };
    match v.check_text(request.xml(), [None, None], true, Some(&session), now()) {
        Ok(unconsumed) => accepted(Ok(unconsumed), &session),
        Err(e) => panic!("the SP's own LogoutRequest does not read back: {e}"),
    }
}

/// A constant random source: the fuzz targets need repeatable IDs, not secret ones.
#[derive(Debug)]
struct FixedRandom;

impl netid_core::ports::SecureRandom for FixedRandom {
    fn fill(&self, dest: &mut [u8]) -> Result<(), netid_core::ports::RandomError> {
        dest.fill(0x42);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The logout seeds and the round trip on awkward NameIDs hold their properties.
    #[test]
    fn logout_seeds_and_name_ids_hold() {
        for text in [
            include_str!("../../../../fuzz/seeds/saml_logout/request.xml"),
            include_str!("../../../../fuzz/seeds/saml_logout/response.xml"),
            include_str!("../../../../fuzz/seeds/saml_logout/redirect.query"),
            "",
            "fuzz-subject",
            "a&b<c>\"d'e",
            "ünïcödé ☃",
            "]]>",
            "<saml:NameID>",
        ] {
            fuzz_logout(text.as_bytes());
        }
        // The signed seeds reach past the signature (the request at 00:05, within its validity).
        let idp = IdentityProvider::new(
            "https://idp.example/saml",
            vec![IdpCertificate::from_pem(IDP_CERT).unwrap()],
        );
        let sp = ServiceProvider::new("https://sp.example/saml", "-").with_slo_url(SP_SLO);
        let v = LogoutVerifier::new(ResponseVerifier::new(idp, sp)).unwrap();
        let session = LogoutSession::new(NameId::new("fuzz-subject", None), Some("_s1".to_owned()));
        for seed in [
            Received::Xml(include_bytes!("../../../../fuzz/seeds/saml_logout/request.xml")),
            Received::Redirect(include_str!("../../../../fuzz/seeds/saml_logout/redirect.query")),
        ] {
            assert!(v.check(seed, Some(&session), now()).is_ok(), "{seed:?}");
        }
        let response = include_bytes!("../../../../fuzz/seeds/saml_logout/response.xml");
        assert!(v.check(Received::Xml(response), None, now()).is_ok());
    }
}
