//! A short soak through `flowdb bench`, as an operator runs it: 8 clients for a few seconds on
//! each dialect (SQLite, PostgreSQL and MySQL on MariaDB), zero errors and a clean audit, or a
//! non-zero exit. The long soak (16 clients,
//! 5 minutes) runs outside the test command; its figures are in the README.
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn a_short_soak_passes_its_audit_on_the_three_dialects() {
    let output = Command::new(env!("CARGO_BIN_EXE_flowdb-bench"))
        .args([
            "--soak",
            "4s",
            "--clients",
            "8",
            "--soak-window",
            "2s",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["kind"], "soak");
    let reports = document["reports"].as_array().unwrap();
    let dialects: Vec<&str> = reports
        .iter()
        .map(|report| report["dialect"].as_str().unwrap())
        .collect();
    assert_eq!(dialects, ["sqlite", "postgresql", "mysql"], "{stdout}");
    for report in reports {
        assert_eq!(report["errors"], serde_json::json!({}), "{report}");
        let audit = &report["audit"];
        assert!(audit["runs_acknowledged"].as_u64().unwrap() > 0, "{report}");
        assert!(audit["claims"].as_u64().unwrap() > 0, "{report}");
        for zero in ["runs_lost", "runs_in_another_state", "runs_claimed_twice"] {
            assert_eq!(audit[zero], 0, "{zero}: {report}");
        }
        assert!(report["windows"].as_array().unwrap().len() >= 2, "{report}");
    }
}

#[test]
fn a_bad_soak_duration_is_refused_naming_the_forms() {
    let output = Command::new(env!("CARGO_BIN_EXE_flowdb-bench"))
        .args(["--soak", "5 minutes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("90s, 5m or 1h") || stderr.contains("use s, m or h"),
        "{stderr}"
    );
}
