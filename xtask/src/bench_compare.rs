//! `cargo xtask bench-compare [--rounds N] [--batch-ms MS]`: our SAML verification, crypto stacks
//! and phone parsers beside python3-saml, python-xmlsec, bergshamra, RustCrypto and `phonenumber`,
//! in one process tree and one run (issue 15; method in BENCHMARKS.md).
//!
//! Makes a virtual environment under `target/bench-compare/venv` with the pinned packages of
//! `bench-compare/python/requirements.txt`, then runs the release build of the `bench-compare/`
//! workspace (kept out of the main workspace: the RustCrypto crates it compares leave our build),
//! which drives the Python rows itself. Not part of `ci`: its figures need a quiet machine, not a
//! CI run. Never installs system packages: it says which ones to install.

use std::path::Path;

use crate::{Result, found, root, run_in};

/// The Debian packages python-xmlsec needs when pip has to build it from source (no wheel for
/// this Python or platform).
const XMLSEC_BUILD_PACKAGES: &str = "libxmlsec1-dev pkg-config python3-dev";

pub(crate) fn bench_compare(args: &[String]) -> Result {
    let root = root();
    if !found("python3", &["--version"]) {
        return Err(
            "python3 is missing: install it (Debian: sudo apt-get install python3 python3-venv)".into(),
        );
    }
    let venv = root.join("target").join("bench-compare").join("venv");
    let python = venv.join("bin").join("python");
    if !python.is_file() {
        let venv_arg = venv.to_string_lossy();
        run_in(&root, "python3", &["-m", "venv", &venv_arg], &[]).map_err(|err| {
            format!(
                "{err}: python3 cannot make a virtual environment \
                 (Debian: sudo apt-get install python3-venv)"
            )
        })?;
    }
    let python_arg = python.to_string_lossy().into_owned();
    if !found(&python_arg, &["-m", "pip", "--version"]) {
        return Err(format!(
            "pip is missing in {}: remove that directory and install pip \
             (Debian: sudo apt-get install python3-pip python3-venv)",
            venv.display()
        ));
    }
    install(&root, &python_arg)?;

    let manifest = root.join("bench-compare").join("Cargo.toml");
    let manifest_arg = manifest.to_string_lossy();
    let mut cargo = vec![
        "run",
        "--release",
        "--manifest-path",
        &manifest_arg,
        "--",
        "--python",
        &python_arg,
    ];
    cargo.extend(args.iter().map(String::as_str));
    run_in(&root, "cargo", &cargo, &[])
}

/// The pinned packages, then an import check (xmlsec refuses to load beside an lxml built on
/// another libxml2, and says so only at import).
fn install(root: &Path, python: &str) -> Result {
    let requirements = root.join("bench-compare").join("python").join("requirements.txt");
    let requirements_arg = requirements.to_string_lossy();
    let pip = [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        &requirements_arg,
    ];
    if let Err(err) = run_in(root, python, &pip, &[]) {
        let hint = if found("pkg-config", &["--exists", "xmlsec1"]) {
            "libxmlsec1-dev is installed, so read pip's error above".to_owned()
        } else {
            format!(
                "if pip had to build xmlsec from source, install its build dependencies \
                 (sudo apt-get install {XMLSEC_BUILD_PACKAGES}) and run again"
            )
        };
        return Err(format!("{err}: python3-saml or xmlsec did not install; {hint}"));
    }
    run_in(
        root,
        python,
        &["-c", "import xmlsec, lxml.etree, onelogin.saml2.response"],
        &[],
    )
    .map_err(|err| {
        format!(
            "{err}: the packages installed but do not import (an lxml/xmlsec libxml2 mismatch \
             says so above); remove target/bench-compare/venv and run again"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Figures of different days compare only if every Python package is pinned to one version.
    #[test]
    fn python_requirements_are_pinned() {
        let path = root()
            .join("bench-compare")
            .join("python")
            .join("requirements.txt");
        let text = std::fs::read_to_string(&path).expect("requirements.txt is readable");
        let packages: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .collect();
        for package in ["python3-saml", "xmlsec", "lxml"] {
            assert!(
                packages
                    .iter()
                    .any(|line| line.starts_with(&format!("{package}=="))),
                "{package} is not pinned in {}",
                path.display()
            );
        }
        let unpinned: Vec<&&str> = packages.iter().filter(|line| !line.contains("==")).collect();
        assert!(unpinned.is_empty(), "unpinned: {unpinned:?}");
    }
}
