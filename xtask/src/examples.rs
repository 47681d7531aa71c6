//! `demo` and `examples`: README's main job and the facade crate's examples, run for real.

use crate::{Result, output, root, run};

/// README's main job, `netid demo --json`, run for real: every step must report `ok`.
pub(crate) fn demo() -> Result {
    let json = output(
        "cargo",
        &["run", "--quiet", "--package", "netid-cli", "--", "demo", "--json"],
    )?;
    let report: serde_json::Value = serde_json::from_str(&json)
        .map_err(|err| format!("`netid demo --json` printed invalid JSON: {err}"))?;
    let steps = report["steps"]
        .as_array()
        .ok_or("`netid demo --json` has no `steps` array")?;
    if steps.is_empty() {
        return Err("`netid demo --json` ran no step".into());
    }
    let failed: Vec<&str> = steps
        .iter()
        .filter(|step| step["ok"] != serde_json::Value::Bool(true))
        .map(|step| step["name"].as_str().unwrap_or("<unnamed>"))
        .collect();
    if !failed.is_empty() || report["ok"] != serde_json::Value::Bool(true) {
        return Err(format!("`netid demo` failed steps: {}", failed.join(", ")));
    }
    eprintln!("demo: {} steps ok", steps.len());
    Ok(())
}

/// Runs every example of the facade crate, each against its in-process sandbox: an example that no
/// longer works fails CI, not its first reader. The list is read from the directory, so a new example
/// is run without editing this file.
pub(crate) fn examples() -> Result {
    let dir = root().join("crates").join("netid").join("examples");
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("cannot list {}: {err}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| format!("cannot list {}: {err}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "rs")
            && let Some(name) = path.file_stem().and_then(|stem| stem.to_str())
        {
            names.push(name.to_owned());
        }
    }
    if names.is_empty() {
        return Err(format!("no example in {}", dir.display()));
    }
    names.sort();
    for name in &names {
        run(
            "cargo",
            &["run", "--quiet", "--package", "netid", "--example", name],
        )?;
    }
    eprintln!("examples: {} ran", names.len());
    Ok(())
}
