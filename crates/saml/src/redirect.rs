//! The HTTP-Redirect binding on the receiving side: query-string signature, then DEFLATE.

use std::io::Read as _;
use std::time::SystemTime;

use flate2::read::DeflateDecoder;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::{Check, Error, reject};
use crate::response::{ResponseVerifier, UnconsumedAssertion, VerifiedAssertion, decode_base64};
use crate::signature::SignatureAlgorithm;
use crate::store::{ReplayCache, RequestStore};

/// Everything but RFC 3986 unreserved characters is escaped, with uppercase hex digits.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a query component (uppercase escapes, unreserved characters kept).
pub(crate) fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// The raw (still percent-encoded) parameters of a received HTTP-Redirect query string.
#[derive(Debug, Default)]
struct RawQuery<'q> {
    message: Option<&'q str>,
    relay_state: Option<&'q str>,
    sig_alg: Option<&'q str>,
    signature: Option<&'q str>,
}

/// Splits the query without decoding anything: the signature covers the octets as received
/// (SAML Bindings §3.4.4.1), so re-encoding them would let an intermediary's different (but
/// equivalent) escaping break or, worse, alter what is checked.
fn split<'q>(query: &'q str, message_param: &str) -> Result<RawQuery<'q>, Error> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut raw = RawQuery::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        // A bare `RelayState` is not `RelayState=`: read as an empty value, a query whose `=` was
        // changed to `&` would rebuild the same signed octets and verify (found by fuzzing).
        let Some((key, value)) = pair.split_once('=') else {
            if [message_param, "RelayState", "SigAlg", "Signature"].contains(&pair) {
                return reject(Check::QuerySignature, format!("parameter {pair} has no `=`"));
            }
            continue;
        };
        let slot = match key {
            k if k == message_param => &mut raw.message,
            "RelayState" => &mut raw.relay_state,
            "SigAlg" => &mut raw.sig_alg,
            "Signature" => &mut raw.signature,
            // Other parameters are not covered by the signature and are never read.
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return reject(Check::QuerySignature, format!("parameter {key} appears twice"));
        }
    }
    Ok(raw)
}

fn decode(raw: &str, what: &str) -> Result<String, Error> {
    percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| Error::reject(Check::Encoding, format!("{what} is not percent-encoded UTF-8")))
}

/// Inflates raw DEFLATE data, refusing output larger than `max` bytes.
pub(crate) fn inflate(data: &[u8], max: usize) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    DeflateDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| Error::reject(Check::Encoding, "the message is not valid DEFLATE data"))?;
    if out.len() > max {
        return reject(Check::Size, format!("inflated message exceeds {max} bytes"));
    }
    Ok(out)
}

impl ResponseVerifier {
    /// Verifies a Response received over HTTP-Redirect, given the raw query string (with or
    /// without the leading `?`), exactly as received.
    ///
    /// The query must be signed: `SigAlg` on the allow-list, and `Signature` over
    /// `SAMLResponse=…[&RelayState=…]&SigAlg=…` rebuilt from the raw received values in that
    /// fixed order, with one of the IdP's certificates. Then the message is Base64-decoded,
    /// inflated (capped) and checked like a POSTed Response, except that the query signature
    /// stands in for an XML signature (an embedded one must still verify).
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn verify_redirect(
        &self,
        query: &str,
        now: SystemTime,
        requests: &dyn RequestStore,
        replay: &dyn ReplayCache,
    ) -> Result<VerifiedAssertion, Error> {
        self.check_redirect(query, now)?.consume_sync(requests, replay)
    }

    /// Runs every check of [`verify_redirect`](Self::verify_redirect) that needs no state,
    /// leaving the replay check and the outstanding request to
    /// [`UnconsumedAssertion::consume`].
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] naming the first failed [`Check`].
    pub fn check_redirect(&self, query: &str, now: SystemTime) -> Result<UnconsumedAssertion, Error> {
        let xml = self.verified_redirect_message(query, "SAMLResponse")?;
        let text =
            String::from_utf8(xml).map_err(|_| Error::reject(Check::Encoding, "message is not UTF-8"))?;
        self.check(&text, true, now)
    }

    /// Checks the query signature and returns the inflated message bytes.
    pub(crate) fn verified_redirect_message(&self, query: &str, param: &str) -> Result<Vec<u8>, Error> {
        let max = self.max_bytes();
        if query.len() > max.saturating_mul(2).saturating_add(4096) {
            return reject(
                Check::Size,
                format!("query string exceeds the {max}-byte message cap"),
            );
        }
        let raw = split(query, param)?;
        let message = raw
            .message
            .ok_or_else(|| Error::reject(Check::Schema, format!("the query has no {param}")))?;
        let (Some(sig_alg), Some(signature)) = (raw.sig_alg, raw.signature) else {
            return reject(
                Check::QuerySignature,
                "the query is not signed (SigAlg and Signature required)",
            );
        };
        let algorithm = SignatureAlgorithm::from_uri(&decode(sig_alg, "SigAlg")?, self.allows_sha1())?;

        let mut signed = format!("{param}={message}");
        if let Some(rs) = raw.relay_state {
            signed.push_str("&RelayState=");
            signed.push_str(rs);
        }
        signed.push_str("&SigAlg=");
        signed.push_str(sig_alg);

        let signature = decode_base64(decode(signature, "Signature")?.as_bytes(), 4096)
            .map_err(|_| Error::reject(Check::QuerySignature, "Signature is not Base64"))?;
        if !self.verify_raw(algorithm, signed.as_bytes(), &signature) {
            return reject(
                Check::QuerySignature,
                "the query signature does not verify with the IdP certificates",
            );
        }
        self.decode_redirect_message(message, param)
    }

    /// The message of a query whose signature verified: percent-decoded, Base64-decoded and
    /// inflated, each step capped at the message size limit.
    pub(crate) fn decode_redirect_message(&self, message: &str, param: &str) -> Result<Vec<u8>, Error> {
        let max = self.max_bytes();
        let deflated = decode_base64(decode(message, param)?.as_bytes(), max)?;
        inflate(&deflated, max)
    }

    /// True when any configured IdP key verifies `signature` over `data`.
    fn verify_raw(&self, algorithm: SignatureAlgorithm, data: &[u8], signature: &[u8]) -> bool {
        self.keys().verify(algorithm, data, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_raw_values_and_refuses_duplicates() {
        let q = split(
            "?SAMLResponse=a%2Bb&RelayState=x%20y&SigAlg=s&Signature=t&other=1",
            "SAMLResponse",
        )
        .unwrap();
        assert_eq!(q.message, Some("a%2Bb"));
        assert_eq!(q.relay_state, Some("x%20y"));
        assert_eq!(q.signature, Some("t"));
        let e = split("SAMLResponse=a&SAMLResponse=b", "SAMLResponse").unwrap_err();
        assert_eq!(e.check(), Some(Check::QuerySignature));
    }

    #[test]
    fn encode_component_is_uppercase_rfc3986() {
        assert_eq!(encode_component("a+b/c=d e~"), "a%2Bb%2Fc%3Dd%20e~");
    }

    #[test]
    fn inflate_is_capped() {
        use std::io::Write as _;
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![b'a'; 10_000]).unwrap();
        let data = enc.finish().unwrap();
        assert_eq!(inflate(&data, 10_000).unwrap().len(), 10_000);
        assert_eq!(inflate(&data, 9_999).unwrap_err().check(), Some(Check::Size));
        assert_eq!(
            inflate(b"\xff\xff", 100).unwrap_err().check(),
            Some(Check::Encoding)
        );
    }
}
