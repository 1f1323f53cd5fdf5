//! The conformance suite, `flowdb plugins verify`: the first-party dialects pass it against real
//! databases, and plugins that are not plugins, do not fit, lie or cannot connect fail it with
//! the check and the reason named.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{
    flowdb_command, interface, library, manifest_body, plugin_dir, postgres_admin_url, temp_dir,
    write_manifest,
};
use flowdb::plugin::MANIFEST_SUFFIX;
use flowdb::verify::{Outcome, VerifyOptions, VerifyReport, verify};
use serde_json::Value;

/// Runs `flowdb plugins verify ARGS --json` and returns its exit code and report.
fn verify_json(home: &Path, args: &[&str]) -> (i32, Value, String) {
    let output = flowdb_command(home)
        .arg("--plugin-path")
        .arg(plugin_dir())
        .args(["plugins", "verify", "--json"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let document: Value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), document, stderr)
}

fn check<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {document:#}"))
}

fn assert_outcome(document: &Value, name: &str, outcome: &str, detail_contains: &str) {
    let check = check(document, name);
    assert_eq!(check["outcome"], outcome, "{name}: {check:#}");
    let detail = check["detail"].as_str().unwrap();
    assert!(
        detail.contains(detail_contains),
        "{name}: the detail should mention {detail_contains:?}: {detail}"
    );
}

fn feature<'a>(document: &'a Value, capability: &str) -> &'a str {
    document["report"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|feature| feature["capability"] == capability)
        .unwrap_or_else(|| panic!("no feature {capability}"))["verified"]
        .as_str()
        .unwrap()
}

/// Every check that ran passed, and the ones a declaration rules out are skipped with that
/// declaration named.
fn assert_passed(document: &Value) {
    assert_eq!(document["kind"], "plugin-verify");
    for check in document["report"]["checks"].as_array().unwrap() {
        assert_ne!(check["outcome"], "failed", "{check:#}");
        if check["outcome"] == "skipped" {
            let detail = check["detail"].as_str().unwrap();
            assert!(
                detail.contains("the plugin does not declare")
                    || detail
                        .contains("the plugin is the SQLite dialect the hot path is compared with"),
                "only a declaration may rule a check out on a first-party dialect: {check:#}"
            );
        }
    }
    assert_eq!(document["passed"], true);
}

#[test]
fn sqlite_passes_the_suite_in_a_scratch_file_and_leaves_the_urls_own_untouched() {
    let home = temp_dir("verify-sqlite");
    let own = home.join("own.db");
    let url = format!("sqlite+aiosqlite:///{}", own.display());
    let (code, document, stderr) = verify_json(&home, &["sqlite", "--url", &url]);
    assert_eq!(code, 0, "{document:#}\n{stderr}");
    assert_passed(&document);
    for name in [
        "load.contract",
        "connect.round_trip",
        "database.create_drop",
        "transactions.commit_rollback",
        "transactions.unit_of_work",
        "errors.kinds",
        "fetch.bulk",
        "connect.cancel_mid_flight",
        "connect.foreign_executor",
        "panics.contained",
        "connect.beside_another_plugin",
        "migrations.up_down_up",
        "values.text",
        "values.integer",
        "values.float",
        "values.timestamp",
        "values.interval",
        "values.json",
        "values.null_and_enum",
    ] {
        assert_eq!(check(&document, name)["outcome"], "passed", "{name}");
    }
    assert_outcome(&document, "errors.kinds", "passed", "vendor code 1555");
    assert_outcome(
        &document,
        "locks.immediate_transactions",
        "passed",
        "the second waited",
    );
    assert_eq!(feature(&document, "immediate-transactions"), "passed");
    assert_outcome(
        &document,
        "values.float_special",
        "skipped",
        "does not declare `float-special`",
    );
    assert_outcome(
        &document,
        "locks.skip_locked",
        "skipped",
        "does not declare `skip-locked`",
    );
    assert_outcome(
        &document,
        "hot_path.same_as_sqlite",
        "skipped",
        "the plugin is the SQLite dialect the hot path is compared with",
    );
    assert_eq!(feature(&document, "create-database"), "passed");
    assert_eq!(feature(&document, "skip-locked"), "not-declared");
    let scratch = document["report"]["database"].as_str().unwrap();
    let scratch_file = scratch.split_once(":///").unwrap().1;
    assert!(
        !Path::new(scratch_file).exists(),
        "the scratch database {scratch_file} should be gone"
    );
    assert!(
        !own.exists(),
        "the URL's own database must not be touched when a scratch one can be made"
    );
}

#[tokio::test]
async fn postgres_passes_the_suite_and_drops_its_scratch_database() {
    let home = temp_dir("verify-postgres");
    let admin = postgres_admin_url();
    let (code, document, stderr) = verify_json(&home, &["postgresql", "--url", &admin]);
    assert_eq!(code, 0, "{document:#}\n{stderr}");
    assert_passed(&document);
    assert_outcome(&document, "errors.kinds", "passed", "SQLSTATE 23505");
    assert_outcome(
        &document,
        "connect.statement_timeout",
        "passed",
        "TIMEOUT after",
    );
    assert_eq!(feature(&document, "statement-timeout"), "passed");
    assert_outcome(
        &document,
        "panics.contained",
        "passed",
        "panic, panic-in-future: PANIC, then poisoned",
    );
    assert_outcome(
        &document,
        "connect.beside_another_plugin",
        "passed",
        "interleaved with the SQLite plugin",
    );
    assert_outcome(&document, "locks.skip_locked", "passed", "skipped");
    assert_outcome(&document, "values.float_special", "passed", "4 values");
    assert_outcome(
        &document,
        "hot_path.same_as_sqlite",
        "passed",
        "47 answers the same as SQLite's",
    );
    assert_eq!(feature(&document, "skip-locked"), "passed");
    assert_eq!(feature(&document, "float-special"), "passed");
    let name = scratch_database(&document);
    assert_dropped(
        &interface(&admin),
        "select count(*) as n from pg_database where datname = $1",
        &name,
    )
    .await;
}

#[test]
fn without_a_url_only_the_load_checks_run_and_the_table_says_why() {
    let home = temp_dir("verify-no-url");
    let output = flowdb_command(&home)
        .arg("--plugin-path")
        .arg(plugin_dir())
        .args(["plugins", "verify", "sqlite"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for line in [
        "load.library",
        "load.contract",
        "load.health",
        "url      none: only the load checks ran (give --url)",
        "features",
    ] {
        assert!(stdout.contains(line), "{line:?} missing:\n{stdout}");
    }
    let skipped = stdout
        .lines()
        .find(|line| line.starts_with("migrations.up_down_up"))
        .unwrap();
    assert!(
        skipped.contains("skipped") && skipped.contains("needs a database"),
        "{skipped}"
    );
}

/// The library API a plugin author calls from their own `cargo test`: a plugin by its library
/// path, by its manifest, by a directory holding only it.
#[tokio::test]
async fn a_plugin_given_by_library_manifest_or_directory() {
    let sqlite = library("flowdb_plugin_sqlite");
    let manifest = plugin_dir().join(format!("sqlite{MANIFEST_SUFFIX}"));
    let alone = temp_dir("verify-alone");
    std::fs::copy(&manifest, alone.join(format!("sqlite{MANIFEST_SUFFIX}"))).unwrap();
    std::fs::copy(&sqlite, alone.join(sqlite.file_name().unwrap())).unwrap();
    for target in [&sqlite, &manifest, &alone] {
        let report = verify(VerifyOptions::new(target.display().to_string(), None))
            .await
            .unwrap();
        assert!(report.passed(), "{}", report.to_table());
        assert_eq!(report.plugin.name, "sqlite");
        assert_eq!(
            report.check("load.health").unwrap().outcome,
            Outcome::Passed
        );
        assert_eq!(
            report.check("values.json").unwrap().outcome,
            Outcome::Skipped
        );
    }
    // A bare file name, from the library's own directory.
    let home = temp_dir("verify-bare-name");
    let output = flowdb_command(&home)
        .current_dir(sqlite.parent().unwrap())
        .args(["plugins", "verify"])
        .arg(sqlite.file_name().unwrap())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let err = verify(VerifyOptions::new(plugin_dir().display().to_string(), None))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("plugin manifests; name one of them"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_not_a_plugin_is_named_with_what_to_give_instead() {
    let home = temp_dir("verify-not-a-plugin");
    let fake = home.join("libnotaplugin.so");
    std::fs::write(&fake, b"not a library").unwrap();
    let (code, _, stderr) = verify_json(&home, &[fake.to_str().unwrap()]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("libnotaplugin.so is not a plugin flowdb can load")
            && stderr.contains("no manifest"),
        "{stderr}"
    );
    let (code, _, stderr) = verify_json(&home, &["/no/such/plugin.so"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("/no/such/plugin.so does not exist"),
        "{stderr}"
    );
    let (code, _, stderr) = verify_json(&home, &["nosuchdialect"]);
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains("no plugin named `nosuchdialect` was found") && stderr.contains("sqlite"),
        "{stderr}"
    );
}

/// A damaged copy of a real plugin and a library of an older contract: the load check fails
/// naming why, and every other check is skipped because of it.
#[test]
fn damaged_and_incompatible_libraries_fail_the_load_check() {
    let home = temp_dir("verify-damaged");
    let sqlite = std::fs::read(library("flowdb_plugin_sqlite")).unwrap();
    let cut = home.join("libcut.so");
    std::fs::write(&cut, &sqlite[..sqlite.len() / 3]).unwrap();
    let manifest = write_manifest(
        &home,
        "cut",
        &manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &cut),
    );
    let (code, document, stderr) = verify_json(&home, &[manifest.to_str().unwrap()]);
    assert_eq!(code, 4, "{stderr}");
    assert_outcome(&document, "load.library", "failed", "libcut.so");
    assert_outcome(
        &document,
        "connect.round_trip",
        "skipped",
        "the plugin did not load",
    );
    assert_eq!(document["passed"], false);

    let old = temp_dir("verify-old-abi");
    let manifest = write_manifest(
        &old,
        "old",
        &manifest_body(
            "old",
            &["old"],
            flowdb_abi::ABI_VERSION,
            &library("flowdb_fixture_old_abi"),
        ),
    );
    let (code, document, stderr) = verify_json(&home, &[manifest.to_str().unwrap()]);
    assert_eq!(code, 4, "{stderr}");
    assert_outcome(&document, "load.library", "failed", "flowdb-abi 0.1.0");
}

/// The liar declares `create-database` and `drop-database` with neither, and answers every
/// query with no rows: the suite catches both.
#[test]
fn a_plugin_that_lies_about_a_capability_fails_the_check_of_it() {
    let home = temp_dir("verify-liar");
    let liar = library("flowdb_fixture_liar");
    let manifest = write_manifest(
        &home,
        "liar",
        &format!(
            "manifest_version = 1\nname = \"liar\"\nversion = \"{}\"\nsdk_version = \"{}\"\ncontract_version = \"{}\"\n\
             schemes = [\"liar\"]\ncapabilities = [\"create-database\", \"drop-database\"]\nlibrary = \"{}\"\n",
            env!("CARGO_PKG_VERSION"),
            flowdb_abi::ABI_VERSION,
            flowdb_abi::CONTRACT_VERSION,
            liar.display()
        ),
    );
    let (code, document, stderr) = verify_json(
        &home,
        &[manifest.to_str().unwrap(), "--url", "liar://anywhere"],
    );
    assert_eq!(code, 4, "{document:#}\n{stderr}");
    assert_outcome(&document, "load.library", "passed", "");
    assert_outcome(
        &document,
        "database.create_drop",
        "failed",
        "declares `create-database`, but creating a scratch database failed",
    );
    // The URL's own database is not used instead of the scratch one it promised.
    assert_outcome(
        &document,
        "connect.round_trip",
        "failed",
        "could not create a scratch database beside the URL's",
    );
    assert_outcome(&document, "values.json", "skipped", "no working connection");
    assert_eq!(feature(&document, "create-database"), "failed");
}

/// The overclaiming fixture is the SQLite dialect declaring three capabilities SQLite lacks:
/// on a working database, the suite fails the check of each lie, and only those.
#[test]
fn a_working_plugin_that_overclaims_fails_the_check_of_each_lie() {
    let home = temp_dir("verify-overclaiming");
    let library = library("flowdb_fixture_overclaiming");
    let manifest = write_manifest(
        &home,
        "overclaiming",
        &format!(
            "manifest_version = 1\nname = \"overclaiming\"\nversion = \"{}\"\nsdk_version = \"{}\"\n\
             contract_version = \"{}\"\nschemes = [\"overclaiming\"]\n\
             capabilities = [\"file\", \"create-database\", \"drop-database\", \"immediate-transactions\", \
             \"float-special\", \"skip-locked\", \"statement-timeout\"]\nlibrary = \"{}\"\n",
            env!("CARGO_PKG_VERSION"),
            flowdb_abi::ABI_VERSION,
            flowdb_abi::CONTRACT_VERSION,
            library.display()
        ),
    );
    let url = format!("overclaiming:///{}", home.join("own.db").display());
    // SQLite waits out its busy timeout where a row lock would be skipped, and runs a slow
    // statement to its end: a short check limit keeps the test short.
    let (code, document, stderr) = verify_json(
        &home,
        &[
            manifest.to_str().unwrap(),
            "--url",
            &url,
            "--check-timeout",
            "3",
        ],
    );
    assert_eq!(code, 4, "{document:#}\n{stderr}");
    let failed: Vec<&str> = document["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["outcome"] == "failed")
        .map(|check| check["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "values.float_special",
            "connect.statement_timeout",
            "locks.skip_locked"
        ],
        "{document:#}"
    );
    assert_outcome(&document, "values.float_special", "failed", "NaN");
    for capability in ["float-special", "skip-locked", "statement-timeout"] {
        assert_eq!(feature(&document, capability), "failed", "{capability}");
    }
    assert_eq!(feature(&document, "immediate-transactions"), "passed");
    assert_outcome(&document, "hot_path.same_as_sqlite", "passed", "");
}

/// A plugin that answers every query with no rows (the misbehaving fixture declares nothing,
/// so the suite uses the URL's own database) fails the round trip, and nothing that needs a
/// connection runs.
#[test]
fn a_plugin_that_returns_nothing_fails_the_round_trip() {
    let home = temp_dir("verify-misbehaving");
    let manifest = write_manifest(
        &home,
        "misbehaving",
        &manifest_body(
            "misbehaving",
            &["misbehaving"],
            flowdb_abi::ABI_VERSION,
            &library("flowdb_fixture_misbehaving"),
        ),
    );
    let (code, document, stderr) = verify_json(
        &home,
        &[
            manifest.to_str().unwrap(),
            "--url",
            "misbehaving://anywhere",
        ],
    );
    assert_eq!(code, 4, "{document:#}\n{stderr}");
    assert_outcome(
        &document,
        "connect.round_trip",
        "failed",
        "select 1 returned no rows",
    );
    assert_outcome(
        &document,
        "transactions.unit_of_work",
        "skipped",
        "no working connection",
    );
}

#[test]
fn an_unreachable_server_fails_the_connection_check_and_skips_what_needs_it() {
    let home = temp_dir("verify-unreachable");
    let (code, document, stderr) = verify_json(
        &home,
        &[
            "postgresql",
            "--url",
            "postgresql://postgres@127.0.0.1:1/flowdb_nowhere",
        ],
    );
    assert_eq!(code, 4, "{document:#}\n{stderr}");
    assert_outcome(&document, "connect.round_trip", "failed", "127.0.0.1:1");
    assert_outcome(
        &document,
        "connect.round_trip",
        "failed",
        "check the server is reachable",
    );
    assert_outcome(
        &document,
        "database.create_drop",
        "failed",
        "creating a scratch database failed",
    );
    assert_outcome(
        &document,
        "migrations.up_down_up",
        "skipped",
        "no working connection",
    );
}

#[test]
fn a_url_of_another_dialect_is_refused_before_anything_runs() {
    let home = temp_dir("verify-wrong-scheme");
    let (code, _, stderr) = verify_json(
        &home,
        &["sqlite", "--url", "postgresql://postgres@127.0.0.1/x"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .contains("has the scheme `postgresql`, which plugin `sqlite` does not serve (sqlite)"),
        "{stderr}"
    );
}

/// The report's own accounting: what a table prints and what `passed` says agree.
#[tokio::test]
async fn the_report_counts_what_it_prints() {
    let manifest = plugin_dir().join(format!("sqlite{MANIFEST_SUFFIX}"));
    let report: VerifyReport = verify(VerifyOptions::new(manifest.display().to_string(), None))
        .await
        .unwrap();
    let table = report.to_table();
    let summary = format!(
        "{} passed, {} failed, {} skipped",
        report.count(Outcome::Passed),
        report.count(Outcome::Failed),
        report.count(Outcome::Skipped)
    );
    assert!(table.ends_with(&summary), "{table}");
    assert_eq!(report.count(Outcome::Failed), 0);
    assert!(report.count(Outcome::Skipped) > 10, "{table}");
}

/// Without the SQLite plugin to compare with, the hot-path comparison is skipped saying so, and
/// the rest of the suite still runs.
#[tokio::test]
async fn without_the_reference_plugin_the_hot_path_comparison_is_skipped_with_the_reason() {
    let alone = temp_dir("verify-no-reference");
    let postgres = library("flowdb_plugin_postgres");
    std::fs::copy(
        plugin_dir().join(format!("postgresql{MANIFEST_SUFFIX}")),
        alone.join(format!("postgresql{MANIFEST_SUFFIX}")),
    )
    .unwrap();
    std::fs::copy(&postgres, alone.join(postgres.file_name().unwrap())).unwrap();
    let options = VerifyOptions {
        search: flowdb::plugin::SearchPath::explicit_only([alone.clone()]),
        ..VerifyOptions::new(alone.display().to_string(), Some(postgres_admin_url()))
    };
    let report = verify(options).await.unwrap();
    let table = report.to_table();
    let hot_path = report.check("hot_path.same_as_sqlite").unwrap();
    assert_eq!(hot_path.outcome, Outcome::Skipped, "{table}");
    assert!(
        hot_path
            .detail
            .contains("the reference SQLite plugin was not found on the search path"),
        "{table}"
    );
    assert!(report.passed(), "{table}");
    assert_eq!(
        report.check("values.json").unwrap().outcome,
        Outcome::Passed,
        "{table}"
    );
}

/// `plugins new` writes a whole crate into a new directory, and refuses one that exists and a
/// name that cannot be a URL scheme (scripts/plugin-new-check.sh builds and loads what it
/// writes).
#[test]
fn plugins_new_writes_a_crate_and_refuses_an_existing_directory_or_a_bad_name() {
    let home = temp_dir("plugins-new");
    let target = home.join("my-db");
    let run = |args: &[&str]| {
        let output = flowdb_command(&home)
            .args(["plugins", "new"])
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run(&["my-db", "--path", target.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("cargo build"), "{stdout}");
    let cargo = std::fs::read_to_string(target.join("Cargo.toml")).unwrap();
    assert!(
        cargo.contains("name = \"flowdb-plugin-my-db\"")
            && cargo.contains("crate-type = [\"cdylib\", \"rlib\"]")
            && cargo.contains("\n[workspace]\n")
            && cargo.contains("flowdb-plugin-sdk = { path = "),
        "{cargo}"
    );
    let lib = std::fs::read_to_string(target.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub struct MyDbDialect;")
            && lib.contains("export_plugin!(MyDbDialect)")
            && lib.contains("const NAME: &'static str = \"my-db\";"),
        "{lib}"
    );
    let manifest = std::fs::read_to_string(target.join("flowdb-plugin.toml")).unwrap();
    assert!(manifest.contains("schemes = [\"my-db\"]"), "{manifest}");
    assert!(target.join("build.rs").is_file());

    std::fs::write(target.join("mine.txt"), "the author's work").unwrap();
    let (code, _, stderr) = run(&["my-db", "--path", target.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(target.join("mine.txt")).unwrap(),
        "the author's work"
    );
    for bad in ["My DB", "9db", "db-", "db_x", ""] {
        let path = home.join("bad");
        let (code, _, stderr) = run(&[bad, "--path", path.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{bad:?}: {stderr}");
        assert!(
            stderr.contains("cannot name a dialect"),
            "{bad:?}: {stderr}"
        );
        assert!(!path.exists(), "{bad:?}: nothing may be written");
    }
}

/// The MariaDB server the mysql dialect's tests use: `FLOWDB_TEST_MYSQL_URL`
/// (scripts/ensure-mariadb.sh), else the local default.
fn mysql_url() -> String {
    std::env::var("FLOWDB_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// The mysql dialect, built from the SDK alone, passes the whole suite against MariaDB in a
/// scratch database it drops: every tier, the hot path giving the SQLite reference's answers
/// and SKIP LOCKED included; the only checks skipped are those of capabilities it does not
/// declare.
#[tokio::test]
async fn mysql_passes_the_whole_suite_against_mariadb() {
    let home = temp_dir("verify-mysql");
    let url = mysql_url();
    let (code, document, stderr) = verify_json(&home, &["mysql", "--url", &url]);
    assert_eq!(code, 0, "{document:#}\n{stderr}");
    assert_outcome(&document, "connect.round_trip", "passed", "MariaDB");
    assert_outcome(&document, "errors.kinds", "passed", "SQLSTATE 23000");
    assert_outcome(
        &document,
        "hot_path.same_as_sqlite",
        "passed",
        "47 answers the same as SQLite's",
    );
    assert_outcome(&document, "locks.skip_locked", "passed", "skipped");
    let outcomes: Vec<(&str, &str)> = document["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["outcome"] != "passed")
        .map(|check| {
            (
                check["name"].as_str().unwrap(),
                check["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("values.float_special", "skipped"),
            ("locks.immediate_transactions", "skipped")
        ],
        "{document:#}"
    );

    // The scratch database is gone; `mariadb://` and `mysql+aiomysql://` reach the plugin too.
    let name = scratch_database(&document);
    let rest = url.split_once("://").unwrap().1;
    for scheme in ["mariadb", "mysql+aiomysql"] {
        let db = interface(&format!("{scheme}://{rest}"));
        assert_eq!(db.dialect(), "mysql");
        assert_dropped(
            &db,
            "select count(*) as n from information_schema.schemata where schema_name = $1",
            &name,
        )
        .await;
    }
}

/// The name of the scratch database a report says the run used.
fn scratch_database(document: &Value) -> String {
    let scratch = document["report"]["database"].as_str().unwrap();
    let name = scratch.rsplit('/').next().unwrap().to_owned();
    assert!(name.starts_with("flowdb_verify_"), "{scratch}");
    name
}

/// `count_sql` (counting the databases named `$1`) finds no database `name`.
async fn assert_dropped(db: &flowdb::DbInterface, count_sql: &str, name: &str) {
    let rows = db
        .session()
        .await
        .unwrap()
        .fetch_all(count_sql, flowdb::params![name])
        .await
        .unwrap();
    assert_eq!(
        rows.row(0).unwrap().get::<i64>("n").unwrap(),
        0,
        "the scratch database {name} should be dropped"
    );
}

/// The mysql plugin is built as a third party would build one: of flowdb's crates it depends
/// on the SDK (and, to write its manifest, the SDK's build helper) only, and not on abi_stable.
#[test]
fn the_mysql_plugin_depends_on_the_sdk_alone() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../plugins/mysql/Cargo.toml");
    let manifest: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
    for (section, allowed) in [
        ("dependencies", &["flowdb-plugin-sdk"][..]),
        ("build-dependencies", &["flowdb-plugin-build"][..]),
    ] {
        let names: Vec<&String> = manifest[section].as_table().unwrap().keys().collect();
        for name in &names {
            assert!(
                !name.starts_with("flowdb") || allowed.contains(&name.as_str()),
                "plugins/mysql {section} names the workspace crate {name}"
            );
            assert_ne!(
                name.as_str(),
                "abi_stable",
                "plugins/mysql names abi_stable itself"
            );
        }
    }
}

/// Ctrl-C stops after the check running, skips the rest saying so, still drops the scratch
/// database, and exits 130.
#[tokio::test]
async fn an_interrupted_run_cleans_up_and_says_so() {
    let home = temp_dir("verify-interrupt");
    let admin = postgres_admin_url();
    let child = flowdb_command(&home)
        .arg("--plugin-path")
        .arg(plugin_dir())
        .args(["plugins", "verify", "postgresql", "--url", &admin])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the run is under way: its scratch database exists.
    let admin_db = interface(&admin);
    let pattern = format!("flowdb_verify_{}_%", child.id());
    let mut started = false;
    for _ in 0..200 {
        let rows = admin_db
            .session()
            .await
            .unwrap()
            .fetch_all(
                "select count(*) as n from pg_database where datname like $1",
                flowdb::params![pattern.as_str()],
            )
            .await
            .unwrap();
        if rows.row(0).unwrap().get::<i64>("n").unwrap() > 0 {
            started = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(started, "the run never made its scratch database");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("interrupted: finishing the check running"),
        "{stderr}"
    );
    assert!(stdout.contains("interrupted before it ran"), "{stdout}");
    let scratch = stdout
        .lines()
        .find_map(|line| line.strip_prefix("database "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no database line in:\n{stdout}"));
    let name = scratch.rsplit('/').next().unwrap().to_owned();
    let rows = interface(&admin)
        .session()
        .await
        .unwrap()
        .fetch_all(
            "select count(*) as n from pg_database where datname = $1",
            flowdb::params![name.as_str()],
        )
        .await
        .unwrap();
    assert_eq!(
        rows.row(0).unwrap().get::<i64>("n").unwrap(),
        0,
        "{name} left behind"
    );
}
