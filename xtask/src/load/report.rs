//! The table `cargo xtask load` prints from the generator's JSON report and the server's peak RSS.

use serde_json::Value;

const HEADER: [&str; 9] = [
    "phase",
    "requests",
    "errors",
    "req/s",
    "p50",
    "p99",
    "max",
    "server peak RSS",
    "generator peak RSS",
];

/// One row per phase of `report`; the peaks (of the whole run) on the first row. `in_process`:
/// the generator's peak is that of server and clients together.
pub(super) fn table(report: &Value, in_process: bool, server_peak_kib: Option<u64>) -> String {
    let mib = |value: Option<f64>| value.map_or_else(|| String::from("n/a"), |mib| format!("{mib:.1} MiB"));
    let (server, generator) = if in_process {
        (
            String::from("(in generator)"),
            format!("{} (server + clients)", mib(report["peak_rss_mib"].as_f64())),
        )
    } else {
        (
            mib(server_peak_kib.map(|kib| kib as f64 / 1024.0)),
            mib(report["peak_rss_mib"].as_f64()),
        )
    };
    let ms = |value: &Value| {
        value
            .as_f64()
            .map_or_else(|| String::from("n/a"), |ms| format!("{ms:.2} ms"))
    };
    let mut rows = vec![HEADER.map(String::from)];
    let phases = report["phases"].as_array().map(Vec::as_slice).unwrap_or_default();
    // A phase that did not run (no token, or no call asked) is `null`.
    for (index, phase) in phases.iter().filter(|phase| phase.is_object()).enumerate() {
        let first = index == 0;
        rows.push([
            phase["phase"].as_str().unwrap_or("?").to_owned(),
            phase["requests"].to_string(),
            phase["failures"].to_string(),
            phase["requests_per_second"]
                .as_f64()
                .map_or_else(|| String::from("n/a"), |rps| format!("{rps:.0}")),
            ms(&phase["p50_ms"]),
            ms(&phase["p99_ms"]),
            ms(&phase["max_ms"]),
            if first { server.clone() } else { String::new() },
            if first { generator.clone() } else { String::new() },
        ]);
    }
    let mut widths = [0; 9];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    if report["deadline_reached"] == true {
        text.push_str("deadline reached: the counts were not all done\n");
    }
    text
}
