//! Two dialects built into one binary that claim one scheme: this test binary links the sqlite
//! plugin crate and a fixture whose dialect claims `sqlite` too. Which one serves must not
//! depend on link order, and no plugin file may stand in: both are refused, naming each other.
#![allow(clippy::unwrap_used)]

mod common;

use flowdb::plugin::{PluginStatus, SearchTier};
use flowdb::{DatabaseConfig, DbInterface};

use flowdb_fixture_scheme_clash as _;
use flowdb_plugin_sqlite as _;

#[test]
fn two_built_in_dialects_for_one_scheme_are_both_refused_naming_each_other() {
    let reports = common::registry_with_built_ins().report(true);
    let built_in: Vec<_> = reports
        .iter()
        .filter(|report| report.tier == SearchTier::BuiltIn)
        .collect();
    assert_eq!(built_in.len(), 2, "{reports:#?}");
    for report in &built_in {
        assert_eq!(report.status, PluginStatus::Failed, "{report:#?}");
        let reason = report.reason.as_deref().unwrap();
        assert!(
            reason.contains("two dialects built into this binary claim one scheme")
                && reason.contains("remove one of the plugin crates"),
            "{reason}"
        );
    }
    // The sqlite plugin file is not loaded in their place: it is shadowed by the refused
    // built-in, as resolution is.
    let file = reports
        .iter()
        .find(|r| r.name == "sqlite" && r.tier != SearchTier::BuiltIn)
        .unwrap();
    assert_eq!(file.status, PluginStatus::Shadowed, "{file:#?}");
    assert!(
        file.reason.as_deref().unwrap().contains("which is refused"),
        "{:?}",
        file.reason
    );
    let sqlite = built_in.iter().find(|r| r.name == "sqlite").unwrap();
    assert!(
        sqlite
            .reason
            .as_deref()
            .unwrap()
            .contains("`sqlite` with `clashing-sqlite` from flowdb-fixture-scheme-clash 0.2.0"),
        "{:?}",
        sqlite.reason
    );
}

#[test]
fn a_url_of_the_clashing_scheme_fails_naming_both_packages_and_no_file_stands_in() {
    let err = DbInterface::with_registry(
        DatabaseConfig::new("sqlite:////tmp/never-opened.db"),
        common::registry_with_built_ins(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("flowdb-plugin-sqlite") && err.contains("flowdb-fixture-scheme-clash"),
        "{err}"
    );
    let rejected = err.split("searched, in order").next().unwrap();
    assert!(
        !rejected.contains("sqlite.flowdb-plugin.toml"),
        "the file was tried: {err}"
    );
    // The fixture's other scheme is its alone, but the fixture is refused as a whole.
    let other = DbInterface::with_registry(
        DatabaseConfig::new("clashing://x"),
        common::registry_with_built_ins(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        other.contains("two dialects built into this binary claim one scheme"),
        "{other}"
    );
}
