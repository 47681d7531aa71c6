//! The CIBA token store: entries encrypted with AES-256-GCM, keys derived with HMAC-SHA256.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hmac;
use netid_ciba::driver::{StoredToken, TokenKey, TokenStore};
use netid_core::store::StoreError;
use netid_core::token::{AccessToken, RefreshToken};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::config::{RedisStores, ttl_ms};
use crate::error::Error;

/// The caller's 32-byte secret: the AES-256-GCM key of the entries and, through HMAC, the key
/// that names them. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct TokenEncryptionKey {
    /// Encrypts the entries.
    cipher_key: Zeroizing<[u8; 32]>,
    /// Derives the Redis key of an entry; distinct from the cipher key (domain-separated HMAC).
    naming_key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for TokenEncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenEncryptionKey([redacted])")
    }
}

pub(crate) fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = hmac::Context::with_key(&hmac::Key::new(hmac::HMAC_SHA256, key));
    for part in parts {
        // Length-prefixed, so `a|bc` and `ab|c` never collide.
        mac.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        mac.update(part);
    }
    // An HMAC-SHA256 tag is 32 bytes; this cannot fail.
    <[u8; 32]>::try_from(mac.sign().as_ref()).unwrap_or_else(|_| unreachable!())
}

impl TokenEncryptionKey {
    /// The key from 32 secret bytes (from a KMS, a secret file, …).
    ///
    /// # Errors
    ///
    /// [`Error::KeyLength`] when `secret` is not 32 bytes.
    pub fn from_bytes(secret: &[u8]) -> Result<Self, Error> {
        if secret.len() != 32 {
            return Err(Error::KeyLength(secret.len()));
        }
        Ok(Self {
            cipher_key: Zeroizing::new(hmac(secret, &[b"netid-redis token cipher v1"])),
            naming_key: Zeroizing::new(hmac(secret, &[b"netid-redis token name v1"])),
        })
    }
}

/// What is encrypted: the token and its expiry.
#[derive(Serialize, Deserialize)]
pub(crate) struct Record {
    access: String,
    refresh: Option<String>,
    expires_unix_ms: u64,
}

impl Record {
    pub(crate) fn of(token: &StoredToken) -> Self {
        Self {
            access: token.access_token().expose_secret().to_owned(),
            refresh: token.refresh_token().map(|r| r.expose_secret().to_owned()),
            expires_unix_ms: unix_ms(token.expires_at()),
        }
    }

    pub(crate) fn to_token(&self) -> StoredToken {
        StoredToken::new(
            AccessToken::new(self.access.clone()),
            self.refresh.clone().map(RefreshToken::new),
            UNIX_EPOCH + Duration::from_millis(self.expires_unix_ms),
        )
    }
}

impl TokenEncryptionKey {
    /// The hex HMAC naming `key` (issuer, client, subject, scopes) under this secret: nothing of
    /// the subject is readable from it.
    pub(crate) fn name(&self, key: &TokenKey) -> String {
        let scopes = key.scopes().join(" ");
        hex::encode(hmac(
            self.naming_key.as_slice(),
            &[
                key.issuer().as_bytes(),
                key.client_id().as_bytes(),
                key.expose_subject().as_bytes(),
                scopes.as_bytes(),
            ],
        ))
    }

    fn cipher(&self) -> LessSafeKey {
        // A 32-byte key is the one length AES-256 accepts; this cannot fail.
        LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, self.cipher_key.as_slice()).unwrap_or_else(|_| unreachable!()),
        )
    }

    /// nonce ‖ AES-256-GCM(`plain`) with `aad` (the Redis key) as associated data.
    pub(crate) fn seal(&self, aad: &str, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0_u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Unavailable {
            reason: format!("no randomness for a nonce: {e}"),
        })?;
        // ciphertext ‖ 16-byte tag after the nonce: the layout the RustCrypto `aes-gcm` crate
        // wrote before, so entries sealed by an older build still open.
        let mut sealed = [nonce.as_slice(), plain].concat();
        let (nonce, in_out) = sealed.split_at_mut(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| StoreError::Corrupt {
            reason: "cannot encrypt a token record".to_owned(),
        })?;
        let tag = self
            .cipher()
            .seal_in_place_separate_tag(nonce, Aad::from(aad.as_bytes()), in_out)
            .map_err(|_| StoreError::Corrupt {
                reason: "cannot encrypt a token record".to_owned(),
            })?;
        sealed.extend_from_slice(tag.as_ref());
        Ok(sealed)
    }

    /// The plaintext of a [`seal`](Self::seal)ed value.
    pub(crate) fn open(&self, aad: &str, value: &[u8]) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let corrupt = || StoreError::Corrupt {
            reason: "a token entry does not decrypt under the configured key".to_owned(),
        };
        let (nonce, sealed) = value.split_at_checked(NONCE_LEN).ok_or_else(corrupt)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| corrupt())?;
        let mut plain = Zeroizing::new(sealed.to_vec());
        let len = self
            .cipher()
            .open_in_place(nonce, Aad::from(aad.as_bytes()), plain.as_mut_slice())
            .map_err(|_| corrupt())?
            .len();
        plain.truncate(len);
        Ok(plain)
    }
}

impl Drop for Record {
    fn drop(&mut self) {
        self.access.zeroize();
        self.refresh.zeroize();
    }
}

/// A [`TokenStore`] on Redis: each entry under `prefix` + `token:` + HMAC of (issuer, client,
/// subject, scopes), holding nonce ‖ AES-256-GCM(record) with the Redis key as associated data,
/// and expiring with its access token less the configured margin.
#[derive(Clone)]
pub struct RedisTokenStore {
    stores: RedisStores,
    key: TokenEncryptionKey,
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("stores", &self.stores)
            .finish_non_exhaustive()
    }
}

impl RedisTokenStore {
    pub(crate) fn new(stores: RedisStores, key: TokenEncryptionKey) -> Self {
        Self { stores, key }
    }

    /// The Redis key of `key`: nothing of the subject is readable from it.
    fn redis_key(&self, key: &TokenKey) -> String {
        format!("{}token:{}", self.stores.prefix, self.key.name(key))
    }

    fn seal(&self, redis_key: &str, token: &StoredToken) -> Result<Vec<u8>, StoreError> {
        seal_token(&self.key, redis_key, token)
    }

    fn open(&self, redis_key: &str, value: &[u8]) -> Result<StoredToken, StoreError> {
        open_token(&self.key, redis_key, value)
    }

    /// The [`RedisSharedFlight`](crate::RedisSharedFlight) on the same connection and secret.
    pub fn shared_flight(&self) -> crate::RedisSharedFlight {
        self.stores.shared_flight(self.key.clone())
    }
}

/// The value stored for `token` under `redis_key`: its sealed JSON record. A function of the key
/// alone, so the fuzz target reaches it without a connection.
pub(crate) fn seal_token(
    key: &TokenEncryptionKey,
    redis_key: &str,
    token: &StoredToken,
) -> Result<Vec<u8>, StoreError> {
    let plain = Zeroizing::new(
        serde_json::to_vec(&Record::of(token)).map_err(|e| StoreError::Corrupt {
            reason: format!("cannot encode a token record: {e}"),
        })?,
    );
    key.seal(redis_key, &plain)
}

/// The token of a stored value; [`StoreError::Corrupt`] for anything `key` did not seal under
/// `redis_key`.
pub(crate) fn open_token(
    key: &TokenEncryptionKey,
    redis_key: &str,
    value: &[u8],
) -> Result<StoredToken, StoreError> {
    let plain = key.open(redis_key, value)?;
    let record: Record = serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt {
        reason: "a token entry does not decrypt under the configured key".to_owned(),
    })?;
    Ok(record.to_token())
}

pub(crate) fn unix_ms(t: SystemTime) -> u64 {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait]
impl TokenStore for RedisTokenStore {
    async fn get(&self, key: &TokenKey, now: SystemTime) -> Result<Option<StoredToken>, StoreError> {
        let redis_key = self.redis_key(key);
        let value: Option<Vec<u8>> = self.stores.run(redis::cmd("GET").arg(&redis_key)).await?;
        let Some(value) = value else { return Ok(None) };
        let token = self.open(&redis_key, &value)?;
        Ok((token.expires_at() > now).then_some(token))
    }

    async fn put(&self, key: &TokenKey, token: &StoredToken, now: SystemTime) -> Result<(), StoreError> {
        let until = token
            .expires_at()
            .checked_sub(self.stores.token_ttl_margin)
            .unwrap_or(UNIX_EPOCH);
        // A token that expires within the margin is not worth sharing.
        let Some(ttl) = ttl_ms(until, now) else {
            return Ok(());
        };
        let redis_key = self.redis_key(key);
        let value = self.seal(&redis_key, token)?;
        self.stores
            .run::<()>(redis::cmd("SET").arg(&redis_key).arg(value).arg("PX").arg(ttl))
            .await
    }

    async fn remove(&self, key: &TokenKey) -> Result<(), StoreError> {
        self.stores
            .run::<()>(redis::cmd("DEL").arg(self.redis_key(key)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use netid_core::login_hint::LoginHint;
    use netid_core::scope::{ApiScope, Purpose, Scope};

    use super::*;

    /// What the RustCrypto build (`aes-gcm` 0.11, `hmac` 0.12) sealed under [`REDIS_KEY`] for
    /// [`token`] with the secret `[0x5a; 32]`: entries already in Redis must open after the move
    /// to aws-lc.
    const SEALED_BY_RUSTCRYPTO: &str = concat!(
        "9d19790cfb952a3d1bb213f0599c22d04658d399121c7f960b8b9dcb8437fb3b7402937a7f1dcab1",
        "f2795a63e6137a8c6fb363590936fff9d37f2dbca784302208cf6dfcb40c53cad83b59710a3901a5",
        "9509c8864d0b8edc20ea83bbe9870923de79fafdcaaaa8fe8039fcdd3c961239e94796",
    );
    /// The entry name the RustCrypto build derived for [`token_key`] with the same secret.
    const NAME_BY_RUSTCRYPTO: &str = "1456e7b2f5dcb474819f86d42ea991860cb4fd994aee495bd7de978f32a08bcf";
    const REDIS_KEY: &str = "netid:token:fixture";

    fn secret() -> TokenEncryptionKey {
        TokenEncryptionKey::from_bytes(&[0x5a; 32]).unwrap()
    }

    fn token() -> StoredToken {
        StoredToken::new(
            AccessToken::new("access-fixture".to_owned()),
            Some(RefreshToken::new("refresh-fixture".to_owned())),
            UNIX_EPOCH + Duration::from_millis(1_900_000_000_123),
        )
    }

    fn token_key() -> TokenKey {
        let hint: LoginHint = "tel:+34654654654".parse().unwrap();
        let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
            .api(ApiScope::SimSwap)
            .build();
        TokenKey::new("https://op.example", "client-1", &hint, &scope)
    }

    fn same(a: &StoredToken, b: &StoredToken) -> bool {
        a.access_token().expose_secret() == b.access_token().expose_secret()
            && a.refresh_token().map(RefreshToken::expose_secret)
                == b.refresh_token().map(RefreshToken::expose_secret)
            && a.expires_at() == b.expires_at()
    }

    #[test]
    fn an_entry_sealed_by_the_rustcrypto_build_opens_under_its_key_name_only() {
        let sealed = hex::decode(SEALED_BY_RUSTCRYPTO).unwrap();
        let opened = open_token(&secret(), REDIS_KEY, &sealed).unwrap();
        assert!(same(&opened, &token()));
        assert!(open_token(&secret(), "netid:token:other", &sealed).is_err());
        let other = TokenEncryptionKey::from_bytes(&[0x5b; 32]).unwrap();
        assert!(open_token(&other, REDIS_KEY, &sealed).is_err());
    }

    #[test]
    fn entry_names_are_the_rustcrypto_build_s() {
        assert_eq!(secret().name(&token_key()), NAME_BY_RUSTCRYPTO);
    }

    #[test]
    fn sealing_draws_a_fresh_nonce_and_appends_the_tag() {
        let (a, b) = (
            seal_token(&secret(), REDIS_KEY, &token()).unwrap(),
            seal_token(&secret(), REDIS_KEY, &token()).unwrap(),
        );
        assert_ne!(a[..NONCE_LEN], b[..NONCE_LEN]);
        // nonce ‖ ciphertext ‖ 16-byte tag, the layout of the fixed entry above.
        assert_eq!(a.len(), hex::decode(SEALED_BY_RUSTCRYPTO).unwrap().len());
        for sealed in [a, b] {
            assert!(same(
                &open_token(&secret(), REDIS_KEY, &sealed).unwrap(),
                &token()
            ));
        }
        assert!(secret().open(REDIS_KEY, &[0; NONCE_LEN + 15]).is_err());
        assert!(secret().open(REDIS_KEY, &[0; 3]).is_err());
    }
}
