use super::*;

fn strings(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn arguments() {
    let check = |line: &str, in_process: bool, debug: bool, counts: &str| {
        assert_eq!(
            parse(&strings(line)),
            Ok(LoadArgs {
                in_process,
                debug,
                counts: strings(counts),
            }),
            "{line:?}"
        );
    };
    check("", false, false, "");
    check("60 3000 32", false, false, "60 3000 32");
    check("--in-process 60", true, false, "60");
    check("1 --in-process 2 --debug 3", true, true, "1 2 3");
    for refused in ["60 3000 32 1", "--server http://127.0.0.1:1", "-1", "ten"] {
        assert!(parse(&strings(refused)).is_err(), "{refused:?}");
    }
}

#[test]
fn executables_from_cargo_messages() {
    let netid = r#"{"reason":"compiler-artifact","target":{"name":"netid","kind":["bin"]},"executable":"/t/release/netid"}"#;
    let lib = r#"{"reason":"compiler-artifact","target":{"name":"netid","kind":["lib"]},"executable":null}"#;
    let done = r#"{"reason":"build-finished","success":true}"#;
    assert_eq!(
        executable(netid, "netid"),
        Some(PathBuf::from("/t/release/netid"))
    );
    assert_eq!(executable(netid, "load"), None);
    assert_eq!(executable(lib, "netid"), None);
    assert_eq!(executable(done, "netid"), None);
    assert_eq!(executable("Compiling netid", "netid"), None);
}

#[test]
fn banner_fields() {
    assert_eq!(
        banner_field("  issuer      http://127.0.0.1:41234"),
        Some(("issuer", "http://127.0.0.1:41234"))
    );
    assert_eq!(
        banner_field("  operator    target/load/operator.toml (kept at stop)"),
        Some(("operator", "target/load/operator.toml"))
    );
    assert_eq!(banner_field(""), None);
    assert_eq!(banner_field("netid"), None);
}

#[test]
fn vm_hwm() {
    let status = "Name:\tnetid\nVmPeak:\t  100 kB\nVmHWM:\t   21504 kB\nVmRSS:\t 20000 kB\n";
    assert_eq!(vm_hwm_kib(status), Some(21504));
    assert_eq!(vm_hwm_kib("Name:\tnetid\n"), None);
}

#[test]
fn table_of_a_split_run() {
    let report = serde_json::json!({
        "server": "external",
        "phases": [
            {"phase": "ciba", "requests": 400, "failures": 0, "requests_per_second": 307.0,
             "p50_ms": 89.8, "p99_ms": 148.6, "max_ms": 150.1},
            {"phase": "api", "requests": 20000, "failures": 2, "requests_per_second": 20519.0,
             "p50_ms": 3.06, "p99_ms": 5.31, "max_ms": 12.0},
        ],
        "peak_rss_mib": 30.2,
        "deadline_reached": false,
    });
    let expected = "\
phase  requests  errors  req/s  p50       p99        max        server peak RSS  generator peak RSS
ciba   400       0       307    89.80 ms  148.60 ms  150.10 ms  21.0 MiB         30.2 MiB
api    20000     2       20519  3.06 ms   5.31 ms    12.00 ms
";
    assert_eq!(report::table(&report, false, Some(21504)), expected);
}

#[test]
fn table_of_an_in_process_run_without_api_phase() {
    let report = serde_json::json!({
        "phases": [
            {"phase": "ciba", "requests": 2, "failures": 0, "requests_per_second": 2.0,
             "p50_ms": 1.0, "p99_ms": 1.0, "max_ms": 1.0},
            null,
        ],
        "peak_rss_mib": 12.5,
        "deadline_reached": true,
    });
    let table = report::table(&report, true, None);
    assert_eq!(table.lines().count(), 3, "{table}");
    let ciba = table.lines().nth(1).unwrap_or_default();
    assert!(
        ciba.ends_with("(in generator)   12.5 MiB (server + clients)"),
        "{table}"
    );
    assert!(
        table.ends_with("deadline reached: the counts were not all done\n"),
        "{table}"
    );
}
