//! `saml:EncryptedAssertion`, `saml:EncryptedID` and `saml:EncryptedAttribute` (SAML Core's
//! `EncryptedElementType`): XML Encryption 1.1 with the SP's RSA keys, one code path for the three.
//!
//! Built on AWS-LC (`aws-lc-rs`: RSA-OAEP, PKCS#1 v1.5, AES-GCM, AES-CBC; RustCrypto's `rsa` only for
//! the OAEP variants with two hashes, see `cipher`) rather than bergshamra's `enc` module, after
//! reading it (0.11.1): it re-parses the whole document with a default parser (a second parse with
//! other limits, DTDs not refused), takes every algorithm it knows (PKCS#1 v1.5, 3DES, key wrap,
//! derived keys, `CipherReference`) with no allow-list, tries only the first RSA private key (no
//! rollover), silently truncates a longer session key, and reports each failure with its own
//! message and early return, which is the XML Encryption padding oracle. Here the EncryptedData is
//! read from the document the SP already parsed, and the plaintext is parsed once.
//!
//! # Security
//!
//! Every failure after the structure checks (key transport with every SP key, decryption, CBC
//! padding, UTF-8, XML) gives one error, [`Check::Decryption`] with one reason, and comes after
//! the whole pipeline has run: a wrong key continues with a zero key, a bad padding still decrypts
//! and parses. XML Encryption CBC has no integrity of its own: a Response signature (verified
//! before decrypting) or GCM is what makes the ciphertext tamper-evident.

mod cipher;
mod key;
#[cfg(test)]
mod tests;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use subtle::Choice;
use uppsala::{Document, NodeId};
use zeroize::Zeroizing;

use self::cipher::{DataAlgorithm, KeyTransport, NS_XENC, NS_XENC11, TYPE_ELEMENT};
use crate::error::{Check, Error, reject};
use crate::signature::short;
use crate::xml::{self, NS_DS, NS_SAML};

pub(crate) use self::cipher::KEY_TRANSPORT_URIS;
pub use self::key::DecryptionKey;

/// Most `EncryptedKey` elements read from one encrypted element: each costs one RSA operation per
/// SP key, so their number is bounded.
const MAX_ENCRYPTED_KEYS: usize = 4;
/// The one reason given for every decryption failure, whatever the element: which element failed
/// is visible in the message anyway, why it failed must not be.
const FAILED: &str = "encrypted content cannot be decrypted with the SP keys";

/// What an encrypted element holds once decrypted: one element of SAML Core's choosing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encrypted {
    /// `saml:EncryptedAssertion` → `saml:Assertion`.
    Assertion,
    /// `saml:EncryptedID` → `saml:NameID` (a BaseID or a nested Assertion is refused).
    NameId,
    /// `saml:EncryptedAttribute` → `saml:Attribute`.
    Attribute,
}

impl Encrypted {
    /// The encrypted element's local name.
    fn element(self) -> &'static str {
        match self {
            Self::Assertion => "EncryptedAssertion",
            Self::NameId => "EncryptedID",
            Self::Attribute => "EncryptedAttribute",
        }
    }

    /// The local name (in the SAML assertion namespace) of the one element its plaintext holds.
    fn plaintext(self) -> &'static str {
        match self {
            Self::Assertion => "Assertion",
            Self::NameId => "NameID",
            Self::Attribute => "Attribute",
        }
    }
}

/// The accepted data encryption URIs, strongest first (for SP metadata).
pub(crate) fn data_algorithm_uris() -> impl Iterator<Item = &'static str> {
    DataAlgorithm::TABLE.iter().map(|(_, uri)| *uri)
}

/// What decrypting an encrypted element gave: the plaintext wrapped in an element that declares
/// the namespaces in scope where it was, and whether every step so far succeeded.
pub(crate) struct Decrypted {
    text: Zeroizing<String>,
    ok: Choice,
    kind: Encrypted,
}

impl Decrypted {
    /// Parses the plaintext (the only parse it gets) and checks it holds the one element its kind
    /// allows (a `saml:Assertion`, `NameID` or `Attribute`) and nothing else; every failure so
    /// far, and this one, gives the same error.
    pub(crate) fn parse(&self) -> Result<(Document<'_>, NodeId), Error> {
        let parsed = xml::parse(&self.text).ok().and_then(|doc| {
            let wrapper = doc.document_element()?;
            let element = only_child(&doc, wrapper, self.kind.plaintext())?;
            Some((doc, element))
        });
        match parsed {
            Some(found) if bool::from(self.ok) => Ok(found),
            _ => reject(Check::Decryption, FAILED),
        }
    }
}

/// The wrapper's single element child when it is `saml:<local>`, with only whitespace beside.
fn only_child(doc: &Document<'_>, wrapper: NodeId, local: &str) -> Option<NodeId> {
    let mut found = None;
    for child in doc.children_iter(wrapper) {
        match doc.node_kind(child) {
            Some(uppsala::NodeKind::Text(t)) if t.trim().is_empty() => {}
            Some(uppsala::NodeKind::Element(_)) if found.is_none() && xml::is(doc, child, NS_SAML, local) => {
                found = Some(child);
            }
            _ => return None,
        }
    }
    found
}

/// Decrypts the encrypted element `ea` of `doc` (of kind `kind`) with `keys`.
///
/// Structure and algorithm problems (visible in the message itself) are reported as such
/// ([`Check::Schema`], [`Check::Algorithm`], [`Check::Size`]); from key transport on, nothing is
/// decided until [`Decrypted::parse`].
pub(crate) fn decrypt(
    doc: &Document<'_>,
    ea: NodeId,
    kind: Encrypted,
    keys: &[DecryptionKey],
    allow_pkcs1v15: bool,
    max_bytes: usize,
) -> Result<Decrypted, Error> {
    if keys.is_empty() {
        return reject(
            Check::Decryption,
            format!(
                "an {} is present and no SP decryption key is configured",
                kind.element()
            ),
        );
    }
    let mut data = None;
    let mut encrypted_keys = Vec::new();
    for child in xml::child_elements(doc, ea) {
        if xml::is(doc, child, NS_XENC, "EncryptedData") && data.is_none() {
            data = Some(child);
        } else if xml::is(doc, child, NS_XENC, "EncryptedKey") && data.is_some() {
            encrypted_keys.push(child);
        } else {
            return reject(
                Check::Schema,
                format!(
                    "an {} holds one EncryptedData, then EncryptedKeys only",
                    kind.element()
                ),
            );
        }
    }
    let data = data.ok_or_else(|| {
        Error::reject(
            Check::Schema,
            format!("an {} has no EncryptedData", kind.element()),
        )
    })?;
    match xml::attr(doc, data, "Type") {
        None | Some(TYPE_ELEMENT) => {}
        Some(_) => return reject(Check::Schema, "the EncryptedData Type is not Element"),
    }
    let method = xml::required_child(doc, data, NS_XENC, "EncryptionMethod")?;
    let uri = algorithm(doc, method)?;
    let algorithm = DataAlgorithm::from_uri(uri).ok_or_else(|| {
        Error::reject(
            Check::Algorithm,
            format!("data encryption algorithm {} is not allowed", short(uri)),
        )
    })?;
    if xml::child_elements(doc, method).next().is_some() {
        return reject(Check::Schema, "the data EncryptionMethod has parameters");
    }
    if let Some(info) = xml::optional_child(doc, data, NS_DS, "KeyInfo")? {
        // KeyName and RetrievalMethod only point at keys: every EncryptedKey is tried anyway.
        let inside = xml::children_named(doc, info, NS_XENC, "EncryptedKey");
        encrypted_keys.splice(0..0, inside);
    }
    if encrypted_keys.is_empty() {
        return reject(
            Check::Schema,
            format!("an {} carries no EncryptedKey", kind.element()),
        );
    }
    if encrypted_keys.len() > MAX_ENCRYPTED_KEYS {
        return reject(
            Check::Schema,
            format!("more than {MAX_ENCRYPTED_KEYS} EncryptedKey elements"),
        );
    }
    let mut transported = Vec::with_capacity(encrypted_keys.len());
    for ek in encrypted_keys {
        let method = xml::required_child(doc, ek, NS_XENC, "EncryptionMethod")?;
        let transport = key_transport(doc, method, allow_pkcs1v15)?;
        transported.push((transport, cipher_value(doc, ek, max_bytes)?));
    }
    let ciphertext = cipher_value(doc, data, max_bytes)?;

    // Every EncryptedKey with every SP key, with no early exit: the time taken does not say which
    // key worked or whether one did.
    let mut session: Option<Zeroizing<Vec<u8>>> = None;
    for (transport, encrypted) in &transported {
        for key in keys {
            let unwrapped = cipher::unwrap_key(key, transport, encrypted);
            if session.is_none()
                && let Some(k) = unwrapped
                && bool::from(cipher::len_is(k.len(), algorithm.key_len()))
            {
                session = Some(k);
            }
        }
    }
    let key_ok = Choice::from(u8::from(session.is_some()));
    let session = session.unwrap_or_else(|| Zeroizing::new(vec![0; algorithm.key_len()]));
    let (plain, plain_ok) = algorithm.decrypt(&session, &ciphertext);
    Ok(wrap(
        &namespaces_in_scope(doc, ea),
        &plain,
        key_ok & plain_ok,
        kind,
    ))
}

/// Wraps the plaintext in an element declaring `namespaces`; `ok` says whether every step so far
/// succeeded. Invalid UTF-8 still goes on to the parse, as text the parse refuses.
fn wrap(namespaces: &[(String, String)], plain: &[u8], ok: Choice, kind: Encrypted) -> Decrypted {
    let (body, utf8_ok) = match std::str::from_utf8(plain) {
        Ok(s) => (s, Choice::from(1)),
        Err(_) => ("\u{1}", Choice::from(0)),
    };
    let mut text = Zeroizing::new(String::with_capacity(body.len() + 256));
    text.push_str("<netid-decrypted");
    for (prefix, uri) in namespaces {
        text.push_str(if prefix.is_empty() { " xmlns" } else { " xmlns:" });
        text.push_str(prefix);
        text.push_str("=\"");
        text.push_str(&quick_xml::escape::escape(uri.as_str()));
        text.push('"');
    }
    text.push('>');
    text.push_str(body);
    text.push_str("</netid-decrypted>");
    Decrypted {
        text,
        ok: ok & utf8_ok,
        kind,
    }
}

/// Fuzzing entry point of the data decryption and the plaintext check (key transport cannot be
/// reached by random input). The first byte picks an algorithm; the rest, encrypted here with a
/// fixed key, must decrypt back to itself; as ciphertext, and as plaintext, it must give one
/// Assertion or the one decryption error.
pub(crate) fn fuzz(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let (algorithm, _) = DataAlgorithm::TABLE[usize::from(pick) % DataAlgorithm::TABLE.len()];
    let key = vec![0x5a; algorithm.key_len()];
    if let Some(sealed) = cipher::seal_with_fixed_iv(algorithm, &key, rest) {
        let (opened, ok) = algorithm.decrypt(&key, &sealed);
        assert!(bool::from(ok), "{algorithm:?} refused its own ciphertext");
        assert_eq!(
            &opened[..],
            rest,
            "{algorithm:?} round trip changed the plaintext"
        );
    }
    let namespaces = [("saml".to_owned(), NS_SAML.to_owned())];
    let (garbage, ok) = algorithm.decrypt(&key, rest);
    for kind in [Encrypted::Assertion, Encrypted::NameId, Encrypted::Attribute] {
        for decrypted in [
            wrap(&namespaces, &garbage, ok, kind),
            wrap(&namespaces, rest, Choice::from(1), kind),
        ] {
            match decrypted.parse() {
                Ok((doc, a)) => assert!(xml::is(&doc, a, NS_SAML, kind.plaintext())),
                Err(e) => assert_eq!(e, Error::reject(Check::Decryption, FAILED)),
            }
        }
    }
}

/// The namespace declarations in scope at `id` (nearest declaration wins), so the plaintext,
/// which may use prefixes its serialiser left on ancestors, parses as it would in place.
fn namespaces_in_scope(doc: &Document<'_>, id: NodeId) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut node = Some(id);
    while let Some(n) = node {
        if let Some(e) = doc.element(n) {
            for (prefix, uri) in &e.namespace_declarations {
                if prefix != "xml" && !out.iter().any(|(p, _)| p == prefix) {
                    out.push((prefix.to_string(), uri.to_string()));
                }
            }
        }
        node = doc.parent(n);
    }
    out
}

fn algorithm<'d>(doc: &'d Document<'_>, method: NodeId) -> Result<&'d str, Error> {
    xml::attr(doc, method, "Algorithm")
        .ok_or_else(|| Error::reject(Check::Schema, "an EncryptionMethod has no Algorithm"))
}

/// Reads an `EncryptedKey`'s EncryptionMethod against the allow-list.
fn key_transport(doc: &Document<'_>, method: NodeId, allow_pkcs1v15: bool) -> Result<KeyTransport, Error> {
    let uri = algorithm(doc, method)?;
    let digest = xml::optional_child(doc, method, NS_DS, "DigestMethod")?
        .map(|d| algorithm(doc, d))
        .transpose()?;
    let mgf = xml::optional_child(doc, method, NS_XENC11, "MGF")?
        .map(|m| algorithm(doc, m))
        .transpose()?;
    let label = xml::optional_child(doc, method, NS_XENC, "OAEPparams")?
        .map(|p| {
            let text = xml::full_text(doc, p)?;
            base64(&text).ok_or_else(|| Error::reject(Check::Encoding, "OAEPparams is not Base64"))
        })
        .transpose()?;
    let refuse = |what: &str| Error::reject(Check::Algorithm, format!("key transport {what} is not allowed"));
    match uri {
        cipher::RSA_OAEP_MGF1P | cipher::RSA_OAEP => {
            let digest = cipher::oaep_digest(digest).ok_or_else(|| refuse("digest"))?;
            // rsa-oaep-mgf1p fixes MGF1 with SHA-1 (XML Encryption 1.0 §5.4.2).
            let mgf = match (uri, mgf) {
                (cipher::RSA_OAEP_MGF1P, None) => cipher::OaepHash::Sha1,
                (cipher::RSA_OAEP_MGF1P, Some(_)) => return Err(refuse("MGF on rsa-oaep-mgf1p")),
                (_, mgf) => cipher::oaep_mgf(mgf).ok_or_else(|| refuse("MGF"))?,
            };
            if digest != mgf && !cfg!(feature = "legacy-rsa") {
                return reject(
                    Check::Algorithm,
                    format!(
                        "key transport RSA-OAEP with a {} digest and MGF1-{} needs netid-saml's \
                         `legacy-rsa` feature (AWS-LC offers only equal hashes)",
                        digest.name(),
                        mgf.name()
                    ),
                );
            }
            Ok(KeyTransport::Oaep { digest, mgf, label })
        }
        cipher::RSA_1_5 if allow_pkcs1v15 => Ok(KeyTransport::InsecurePkcs1v15),
        cipher::RSA_1_5 => reject(
            Check::Algorithm,
            "rsa-1_5 key transport is refused (opt in with insecure_allow_rsa_pkcs1v15)",
        ),
        other => Err(refuse(&short(other))),
    }
}

/// The Base64 `CipherData/CipherValue` of `id`; `CipherReference` is refused (no fetching).
fn cipher_value(doc: &Document<'_>, id: NodeId, max_bytes: usize) -> Result<Vec<u8>, Error> {
    let data = xml::required_child(doc, id, NS_XENC, "CipherData")?;
    let value = xml::optional_child(doc, data, NS_XENC, "CipherValue")?.ok_or_else(|| {
        Error::reject(
            Check::Schema,
            "CipherData has no CipherValue (CipherReference is refused)",
        )
    })?;
    let text = xml::full_text(doc, value)?;
    if text.len() > max_bytes.saturating_mul(2) {
        return reject(
            Check::Size,
            format!("encrypted content exceeds {max_bytes} bytes"),
        );
    }
    let bytes = base64(&text).ok_or_else(|| Error::reject(Check::Encoding, "CipherValue is not Base64"))?;
    if bytes.len() > max_bytes {
        return reject(
            Check::Size,
            format!("encrypted content exceeds {max_bytes} bytes"),
        );
    }
    Ok(bytes)
}

fn base64(text: &str) -> Option<Vec<u8>> {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).ok()
}
