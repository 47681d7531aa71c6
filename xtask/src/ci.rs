//! `ci` and `test`: installing what the checks need, then every check in `.ci/run`'s order.

use std::env;

use crate::oidc_provider::OidcProvider;
use crate::{Result, demo, examples, found, fuzz, load, output, redis, root, run, run_in, tidy};

/// Every test of the workspace, all features on, then netid-saml's with its default features, with
/// the third-party OpenID Provider of the CIBA interop tests and the `redis-server` of
/// `netid-redis`'s tests running on loopback for the duration.
pub(crate) fn test() -> Result {
    let provider = OidcProvider::start()?;
    let redis = redis::RedisServer::start()?;
    run_in(
        &root(),
        "cargo",
        &["test", "--workspace", "--all-features", "--no-fail-fast"],
        &[
            ("NETID_OIDC_PROVIDER_URL", provider.url.as_str()),
            ("NETID_REDIS_URL", redis.url.as_str()),
        ],
    )?;
    // netid-saml once more with its default features: without `legacy-rsa` the SP must refuse
    // mixed-hash RSA-OAEP and RSA-SHA1 signing by name, which the run above (feature on) cannot see.
    run("cargo", &["test", "-p", "netid-saml", "--no-fail-fast"])
}

pub(crate) fn ci() -> Result {
    setup()?;
    run("cargo", &["fmt", "--all", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    test()?;
    examples()?;
    demo()?;
    load(&["--debug", "60", "3000", "32"].map(String::from))?;
    run_in(
        &root(),
        "cargo",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    tidy()?;
    fuzz(&["--smoke".to_owned()])
}

/// Installs what the checks need and the machine lacks, so `cargo xtask ci` works on a fresh machine:
/// Debian's xmlsec1 (the third-party SAML signer of the tests), cargo-fuzz, and the npm packages of
/// the third-party OpenID Provider used by the interop tests.
fn setup() -> Result {
    // The SAML tests sign their fixtures with Debian's xmlsec1 and check Redirect signatures with the
    // openssl CLI: two independent implementations, not ours.
    // netid-redis's tests run against Debian's redis-server (the binary and the package share the name).
    let missing: Vec<&str> = [
        ("xmlsec1", "--version"),
        ("openssl", "version"),
        ("redis-server", "--version"),
    ]
    .into_iter()
    .filter(|(tool, flag)| !found(tool, &[flag]))
    .map(|(tool, _)| tool)
    .collect();
    if !missing.is_empty() {
        let is_root = output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0");
        if !is_root {
            return Err(format!(
                "{} missing: install Debian's packages (sudo apt-get install {})",
                missing.join(" and "),
                missing.join(" ")
            ));
        }
        run("apt-get", &["update", "-q"])?;
        let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
        args.extend(&missing);
        run_in(
            &root(),
            "apt-get",
            &args,
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )?;
    }
    if !found("cargo", &["+nightly", "--version"]) {
        return Err(
            "the nightly toolchain is missing: `rustup toolchain install nightly` (cargo-fuzz needs it)"
                .into(),
        );
    }
    if !found("cargo", &["+nightly", "fuzz", "--version"]) {
        run("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    let provider = root().join("tests").join("oidc-provider");
    // The interop OpenID Provider (oidc-provider 9) runs on Node.js 20 or later.
    let node = output("node", &["--version"]).map_err(|_| {
        String::from("Node.js is missing: install Node.js 20 or later (Debian: apt-get install nodejs npm)")
    })?;
    let major = node
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok());
    if major.is_none_or(|major| major < 20) {
        return Err(format!(
            "Node.js {} is too old: the interop provider needs 20 or later",
            node.trim()
        ));
    }
    // CI always installs exactly the lockfile; locally an existing node_modules is kept.
    let stale = env::var_os("CI").is_some() || !provider.join("node_modules").is_dir();
    if provider.join("package-lock.json").is_file() && stale {
        run_in(&provider, "npm", &["ci", "--no-audit", "--no-fund"], &[])?;
    }
    Ok(())
}
