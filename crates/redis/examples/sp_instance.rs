//! One SP instance consuming one SAML Response through Redis, as a separate process: the
//! cross-process tests of `tests/it` run it beside their own instance.
//!
//! Usage: `sp_instance REDIS_URL KEY_PREFIX RESPONSE.xml UNIX_SECONDS`. Prints `accepted`,
//! `rejected <check>` or `store-error`, and exits 0, 1 or 2.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use netid_redis::{RedisConfig, RedisStores};
use netid_saml::{Error, IdentityProvider, IdpCertificate, ResponseVerifier, ServiceProvider};

const IDP_CERT: &[u8] = include_bytes!("../../saml/tests/fixtures/keys/idp.crt");

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, prefix, path, now] = args.as_slice() else {
        return usage();
    };
    let (Ok(xml), Ok(now)) = (std::fs::read(path), now.parse::<u64>()) else {
        return usage();
    };
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now);
    let Ok(cert) = IdpCertificate::from_pem(IDP_CERT) else {
        return usage();
    };
    let verifier = ResponseVerifier::new(
        IdentityProvider::new("https://idp.example/saml", vec![cert]),
        ServiceProvider::new("https://sp.example/saml", "https://sp.example/saml/acs"),
    );
    let Ok(stores) = RedisStores::connect(RedisConfig::new(url.as_str()).key_prefix(prefix.as_str())).await
    else {
        return report("store-error", 2);
    };
    let outcome = match verifier.check_xml(&xml, now) {
        Ok(unconsumed) => {
            unconsumed
                .consume(&stores.replay_cache(), &stores.request_store())
                .await
        }
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => report("accepted", 0),
        Err(Error::Store(_)) => report("store-error", 2),
        Err(error) => report(
            &format!("rejected {}", error.check().map_or("other", |c| c.as_str())),
            1,
        ),
    }
}

fn report(line: &str, code: u8) -> ExitCode {
    #[allow(clippy::print_stdout)] // The parent test reads it.
    {
        println!("{line}");
    }
    ExitCode::from(code)
}

fn usage() -> ExitCode {
    report(
        "usage: sp_instance REDIS_URL KEY_PREFIX RESPONSE.xml UNIX_SECONDS",
        64,
    )
}
