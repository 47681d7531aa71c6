//! The token store: encrypted entries under derived keys, expiring with their tokens.

use std::time::{Duration, SystemTime};

use netid_ciba::driver::{StoredToken, TokenKey, TokenStore};
use netid_core::login_hint::LoginHint;
use netid_core::scope::{ApiScope, Purpose, Scope};
use netid_core::store::StoreError;
use netid_core::token::{AccessToken, RefreshToken};
use netid_redis::{RedisConfig, RedisStores, TokenEncryptionKey};

use crate::support;

fn key() -> TokenKey {
    let hint: LoginHint = "tel:+34654654654".parse().unwrap();
    let scope = Scope::builder(Purpose::FraudPreventionAndDetection)
        .api(ApiScope::SimSwap)
        .build();
    TokenKey::new("https://op.example", "client-1", &hint, &scope)
}

fn secret(byte: u8) -> TokenEncryptionKey {
    TokenEncryptionKey::from_bytes(&[byte; 32]).unwrap()
}

async fn stores(url: &str, prefix: &str, margin: Duration) -> RedisStores {
    RedisStores::connect(RedisConfig::new(url).key_prefix(prefix).token_ttl_margin(margin))
        .await
        .expect("redis reachable")
}

#[tokio::test]
async fn entries_round_trip_encrypted_and_expire_with_the_token() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let store = stores(&url, &prefix, Duration::from_secs(1))
        .await
        .token_store(secret(7));
    // Whole milliseconds: the precision an entry keeps.
    let unix_ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let now = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(unix_ms).unwrap());
    // Expires in 2 s; with a 1 s margin the entry lives 1 s.
    let token = StoredToken::new(
        AccessToken::new("at-secret-654654654"),
        Some(RefreshToken::new("rt-secret")),
        now + Duration::from_secs(2),
    );
    store.put(&key(), &token, now).await.unwrap();
    let got = store.get(&key(), now).await.unwrap().expect("stored");
    assert_eq!(got.access_token().expose_secret(), "at-secret-654654654");
    assert_eq!(
        got.refresh_token().map(RefreshToken::expose_secret),
        Some("rt-secret")
    );
    assert_eq!(got.expires_at(), token.expires_at());

    // Nothing readable in Redis: no number, no token, in keys or values.
    let mut raw = support::raw(&url).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert_eq!(keys.len(), 1, "{keys:?}");
    let value: Vec<u8> = redis::cmd("GET")
        .arg(&keys[0])
        .query_async(&mut raw)
        .await
        .unwrap();
    for needle in [
        "654654654",
        "34654",
        "at-secret",
        "rt-secret",
        "client-1",
        "op.example",
    ] {
        assert!(!keys[0].contains(needle), "{needle} in {keys:?}");
        assert!(
            !value.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} in the value"
        );
    }
    let pttl: i64 = redis::cmd("PTTL")
        .arg(&keys[0])
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!((1..=1000).contains(&pttl), "{pttl}");

    // Redis drops it with the token (asked at the original `now`, so only Redis's expiry counts).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(store.get(&key(), now).await.unwrap().is_none());
}

#[tokio::test]
async fn another_key_cannot_read_entries_and_removal_forgets_them() {
    let (url, _server) = support::redis();
    let prefix = support::prefix();
    let redis = stores(&url, &prefix, Duration::from_secs(30)).await;
    let now = SystemTime::now();
    let token = StoredToken::new(AccessToken::new("at"), None, now + Duration::from_secs(300));
    redis
        .token_store(secret(1))
        .put(&key(), &token, now)
        .await
        .unwrap();
    // Another secret derives another Redis key: a miss, not a decryption failure.
    assert!(
        redis
            .token_store(secret(2))
            .get(&key(), now)
            .await
            .unwrap()
            .is_none()
    );

    // An entry moved under another key does not decrypt (the key is authenticated data).
    let mut raw = support::raw(&url).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    let hint: LoginHint = "tel:+34699999999".parse().unwrap();
    let other = TokenKey::new(
        "https://op.example",
        "client-1",
        &hint,
        &Scope::builder(Purpose::FraudPreventionAndDetection)
            .api(ApiScope::SimSwap)
            .build(),
    );
    redis
        .token_store(secret(1))
        .put(&other, &token, now)
        .await
        .unwrap();
    let keys_after: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    let other_key = keys_after
        .iter()
        .find(|k| !keys.contains(k))
        .expect("a second key");
    let _: () = redis::cmd("COPY")
        .arg(&keys[0])
        .arg(other_key)
        .arg("REPLACE")
        .query_async(&mut raw)
        .await
        .unwrap();
    let e = redis.token_store(secret(1)).get(&other, now).await.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");

    redis.token_store(secret(1)).remove(&key()).await.unwrap();
    assert!(
        redis
            .token_store(secret(1))
            .get(&key(), now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(TokenEncryptionKey::from_bytes(&[0; 16]).is_err());
}
