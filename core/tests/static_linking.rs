//! Dialects linked into the host's binary. This test binary names the sqlite and mysql plugin
//! crates, so both dialects are built in (their `export_plugin!` registers them), ahead of the
//! plugin files cargo built beside it; PostgreSQL is not linked, so its file serves.
#![allow(clippy::unwrap_used)]

mod common;

use flowdb::plugin::{PluginStatus, SearchPath, SearchTier};
use flowdb::verify::{Outcome, VerifyOptions, verify};

use flowdb_plugin_mysql as _;
use flowdb_plugin_sqlite as _;

#[test]
fn built_in_dialects_come_first_and_shadow_the_files_for_their_schemes() {
    let reports = common::registry_with_built_ins().report(true);
    let sqlite: Vec<_> = reports.iter().filter(|r| r.name == "sqlite").collect();
    assert_eq!(sqlite.len(), 2, "the built-in and the file: {reports:#?}");
    let (built_in, file) = (sqlite[0], sqlite[1]);
    assert_eq!(built_in.tier, SearchTier::BuiltIn);
    assert_eq!(
        built_in.status,
        PluginStatus::Loaded,
        "{:?}",
        built_in.reason
    );
    assert_eq!(built_in.built_in.as_deref(), Some("flowdb-plugin-sqlite"));
    assert_eq!(built_in.manifest_path, None);
    assert_eq!(built_in.library_path, None);
    assert_eq!(built_in.sha256, None);
    assert_eq!(
        built_in.contract_version.as_deref(),
        Some(flowdb_abi::CONTRACT_VERSION)
    );
    assert_eq!(file.status, PluginStatus::Shadowed);
    assert!(
        file.shadowed_by
            .as_deref()
            .is_some_and(|by| by.contains("built into this binary by flowdb-plugin-sqlite")),
        "{:?}",
        file.shadowed_by
    );
    let mysql = reports.iter().find(|r| r.name == "mysql").unwrap();
    assert_eq!(
        (mysql.tier, mysql.status),
        (SearchTier::BuiltIn, PluginStatus::Loaded)
    );
    let postgres = reports.iter().find(|r| r.name == "postgresql").unwrap();
    assert_eq!(
        (postgres.tier, postgres.status),
        (SearchTier::Explicit, PluginStatus::Loaded),
        "a dialect not linked in is served by its file"
    );
    // A registry of libraries only has none of them.
    let libraries =
        flowdb::plugin::PluginRegistry::discover_libraries(SearchPath::explicit_only([
            common::plugin_dir(),
        ]));
    assert!(
        libraries
            .candidates()
            .iter()
            .all(|candidate| candidate.tier != SearchTier::BuiltIn)
    );
    let sqlite_file = libraries.resolve("sqlite").unwrap();
    assert!(sqlite_file.library_path().is_some());
    // Searching nowhere leaves the built-ins alone: a single binary that loads no file.
    let nowhere = flowdb::plugin::PluginRegistry::discover(SearchPath::explicit_only(Vec::new()));
    assert_eq!(
        nowhere.resolve("sqlite").unwrap().built_in_package(),
        Some("flowdb-plugin-sqlite")
    );
    assert!(nowhere.resolve("postgresql").is_err());
    // The JSON a listing prints says where the code is.
    let json = serde_json::to_value(built_in).unwrap();
    assert_eq!(json["tier"], "built-in");
    assert_eq!(json["built_in"], "flowdb-plugin-sqlite");
}

#[tokio::test]
async fn a_url_of_a_built_in_scheme_runs_on_the_built_in_dialect() {
    let dir = common::temp_dir("built-in");
    let db = flowdb::DbInterface::with_registry(
        flowdb::DatabaseConfig::new(format!("sqlite:///{}/built-in.db", dir.display())),
        common::registry_with_built_ins(),
    )
    .unwrap();
    let plugin = db.plugin();
    assert_eq!(plugin.built_in_package(), Some("flowdb-plugin-sqlite"));
    assert_eq!(plugin.library_path(), None);
    assert_eq!(
        plugin.location(),
        "built into this binary by flowdb-plugin-sqlite"
    );
    db.create_database().await.unwrap();
    let rows = db
        .session()
        .await
        .unwrap()
        .fetch_all("select $1 + 1 as answer", flowdb::params![41_i64])
        .await
        .unwrap();
    assert_eq!(rows.row(0).unwrap().get::<i64>("answer").unwrap(), 42);
    db.close().await;
    std::fs::remove_dir_all(dir).unwrap();
}

fn options(plugin: &str, url: Option<String>) -> VerifyOptions {
    VerifyOptions {
        search: SearchPath::explicit_only([common::plugin_dir()]),
        ..VerifyOptions::new(plugin, url)
    }
}

/// The suite passes on a built-in dialect; the checks that need a second copy of a library
/// are skipped with the reason, and the hot path is compared with the SQLite dialect, itself
/// built in.
#[tokio::test]
async fn the_suite_passes_on_built_in_dialects() {
    let dir = common::temp_dir("verify-built-in");
    let sqlite = verify(options(
        "sqlite",
        Some(format!("sqlite:///{}/v.db", dir.display())),
    ))
    .await
    .unwrap();
    assert!(sqlite.passed(), "{}", sqlite.to_table());
    assert_eq!(
        sqlite.plugin.built_in.as_deref(),
        Some("flowdb-plugin-sqlite")
    );
    let load = sqlite.check("load.library").unwrap();
    assert!(
        load.detail.contains("built into this binary"),
        "{}",
        load.detail
    );
    let panics = sqlite.check("panics.contained").unwrap();
    assert_eq!(panics.outcome, Outcome::Skipped);
    assert!(
        panics
            .detail
            .contains("no library to load a second, private copy of"),
        "{}",
        panics.detail
    );
    common::with_mysql_database(|url| async move {
        let mysql = verify(options("mysql", Some(url))).await.unwrap();
        assert!(mysql.passed(), "{}", mysql.to_table());
        assert_eq!(
            mysql.plugin.built_in.as_deref(),
            Some("flowdb-plugin-mysql")
        );
        let hot_path = mysql.check("hot_path.same_as_sqlite").unwrap();
        assert_eq!(hot_path.outcome, Outcome::Passed, "{}", hot_path.detail);
    })
    .await;
    std::fs::remove_dir_all(dir).unwrap();
}

/// A path names a file: the library build of a dialect that is also built in is what runs,
/// and its private copies (the panic checks) are copies of that file, never the built-in,
/// which stays unpoisoned.
#[tokio::test]
async fn a_path_verifies_the_file_even_when_the_dialect_is_built_in() {
    let manifest = common::plugin_dir().join("mysql.flowdb-plugin.toml");
    let manifest = manifest.to_str().unwrap().to_owned();
    common::with_mysql_database(|url| async move {
        let report = verify(options(&manifest, Some(url))).await.unwrap();
        assert!(report.passed(), "{}", report.to_table());
        assert_eq!(report.plugin.built_in, None);
        let load = report.check("load.library").unwrap();
        assert!(load.detail.starts_with("loaded from "), "{}", load.detail);
        let panics = report.check("panics.contained").unwrap();
        assert_eq!(panics.outcome, Outcome::Passed, "{}", panics.detail);
    })
    .await;
    let built_in = common::registry_with_built_ins().resolve("mysql").unwrap();
    assert_eq!(built_in.built_in_package(), Some("flowdb-plugin-mysql"));
    assert!(
        !built_in.health().poisoned,
        "a panic check reached the built-in"
    );
}
