//! `netid-redis` against a real `redis-server`: the one at `NETID_REDIS_URL` (what `cargo xtask ci`
//! starts), or one each test starts on 127.0.0.1 itself. Without either the tests fail, loudly.

mod flight;
mod saml;
mod support;
mod tokens;
