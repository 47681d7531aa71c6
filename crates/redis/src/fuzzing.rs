//! Entry point of the cargo-fuzz target `fuzz/fuzz_targets/redis_token_entry.rs`. Not a stable
//! API. The token-entry codec needs no connection: it is reached directly.

use std::time::{Duration, UNIX_EPOCH};

use netid_ciba::driver::StoredToken;
use netid_core::token::{AccessToken, RefreshToken};

use crate::tokens::{TokenEncryptionKey, open_token, seal_token};

/// The Redis key the entries are sealed under (their associated data).
const REDIS_KEY: &str = "netid:token:fuzz";

/// The token-entry decoder. Properties: arbitrary bytes, as a stored value or as the plaintext
/// inside a correctly sealed one, give a token or `Corrupt`, never a panic; a token read from
/// the input opens to exactly itself; flipping any bit of its sealed value, or opening it under
/// another Redis key, is refused.
pub fn fuzz_token_entry(data: &[u8]) {
    // A fixed fuzzing-only secret: the property does not depend on its value.
    let Ok(key) = TokenEncryptionKey::from_bytes(&[7; 32]) else {
        return;
    };
    let _ = open_token(&key, REDIS_KEY, data);
    if let Ok(sealed) = key.seal(REDIS_KEY, data) {
        let _ = open_token(&key, REDIS_KEY, &sealed);
    }

    // A token from the input: 8 bytes of expiry (ms), 2 of flip position, then access ␀ refresh.
    let (Some(ms), Some(flip)) = (data.get(..8), data.get(8..10)) else {
        return;
    };
    let ms = u64::from_be_bytes(ms.try_into().unwrap_or_default());
    let flip = usize::from(u16::from_be_bytes(flip.try_into().unwrap_or_default()));
    let text = String::from_utf8_lossy(&data[10..]);
    let (access, refresh) = match text.split_once('\0') {
        Some((access, refresh)) => (access, Some(refresh)),
        None => (text.as_ref(), None),
    };
    let token = StoredToken::new(
        AccessToken::new(access),
        refresh.map(RefreshToken::new),
        UNIX_EPOCH + Duration::from_millis(ms),
    );
    let Ok(sealed) = seal_token(&key, REDIS_KEY, &token) else {
        panic!("a token record cannot be sealed");
    };
    let opened = match open_token(&key, REDIS_KEY, &sealed) {
        Ok(opened) => opened,
        Err(err) => panic!("a sealed token does not open: {err}"),
    };
    assert_eq!(
        opened.access_token().expose_secret(),
        access,
        "access token changed"
    );
    assert_eq!(
        opened.refresh_token().map(RefreshToken::expose_secret),
        refresh,
        "refresh token changed"
    );
    assert_eq!(opened.expires_at(), token.expires_at(), "expiry changed");

    let mut tampered = sealed.clone();
    let bit = flip % (tampered.len() * 8);
    tampered[bit / 8] ^= 1 << (bit % 8);
    assert!(
        open_token(&key, REDIS_KEY, &tampered).is_err(),
        "a tampered entry was accepted"
    );
    assert!(
        open_token(&key, "netid:token:other", &sealed).is_err(),
        "an entry opened under another Redis key"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Short inputs, inputs without a refresh token, with one, and with invalid UTF-8.
    #[test]
    fn token_entries_round_trip_and_refuse_tampering() {
        let mut long = vec![0, 0, 1, 0x9a, 0, 0, 0, 0, 0xff, 0xff];
        long.extend_from_slice(b"access-token\0refresh-token");
        for input in [
            &b""[..],
            b"short",
            b"\0\0\0\0\0\0\0\0\0\0",
            b"\xff\xff\xff\xff\xff\xff\xff\xff\0\x01at\xff",
            &long,
            b"{\"access\":\"a\",\"refresh\":null,\"expires_unix_ms\":1}",
        ] {
            fuzz_token_entry(input);
        }
    }
}
