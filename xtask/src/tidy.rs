//! `tidy`: repository invariants that no compiler checks (no I/O crate under `netid-core`, no
//! reqwest under the protocol crates).

use crate::{Result, output};

/// Crates that do I/O or async and must never be in `netid-core`'s normal dependency tree.
const IO_CRATES: &[&str] = &[
    "tokio",
    "reqwest",
    "hyper",
    "http",
    "async-std",
    "mio",
    "socket2",
    "axum",
];

/// Crates whose normal dependency tree must not contain reqwest (only adapters and binaries may).
const REQWEST_FREE: &[&str] = &[
    "netid-core",
    "netid-transport",
    "netid-ciba",
    "netid-saml",
    "netid-camara",
];

/// Names of the crates in `package`'s normal (non-dev, non-build) dependency tree, all features on.
fn normal_dependencies(package: &str) -> Result<Vec<String>> {
    let tree = output(
        "cargo",
        &[
            "tree",
            "--package",
            package,
            "--edges",
            "normal",
            "--all-features",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ],
    )?;
    Ok(tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

pub(crate) fn tidy() -> Result {
    let mut problems = Vec::new();
    let core = normal_dependencies("netid-core")?;
    for krate in IO_CRATES {
        if core.iter().any(|name| name == krate) {
            problems.push(format!(
                "netid-core depends on the I/O crate `{krate}` (see ARCHITECTURE.md)"
            ));
        }
    }
    let members = output("cargo", &["metadata", "--no-deps", "--format-version", "1"])?;
    for package in REQWEST_FREE {
        // Crates not written yet are skipped; the list names every planned protocol crate.
        if !members.contains(&format!("\"name\":\"{package}\"")) {
            continue;
        }
        if normal_dependencies(package)?.iter().any(|name| name == "reqwest") {
            problems.push(format!(
                "{package} depends on reqwest; only netid-reqwest may name it"
            ));
        }
    }
    if problems.is_empty() {
        eprintln!("tidy: ok");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
