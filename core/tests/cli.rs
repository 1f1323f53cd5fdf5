//! The `flowdb` command as an operator runs it: output, JSON envelopes and exit codes.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

use common::{library, manifest_body, plugin_dir, private_copy, temp_dir, write_manifest};

use common::flowdb_command as flowdb;

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn plugins_list_json_shows_both_plugins_loaded() {
    let home = temp_dir("cli-list");
    let output = flowdb(&home)
        .args(["plugins", "list", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["schema_version"], 1);
    assert_eq!(document["kind"], "plugin-list");
    let plugins = document["plugins"].as_array().unwrap();
    for (name, schemes) in [
        ("sqlite", vec!["sqlite"]),
        ("postgresql", vec!["postgresql", "postgres"]),
    ] {
        let plugin = plugins
            .iter()
            .find(|plugin| plugin["name"] == name)
            .unwrap_or_else(|| panic!("{stdout}"));
        assert_eq!(plugin["status"], "loaded", "{plugin}");
        assert_eq!(
            plugin["tier"], "executable",
            "found beside the binary: {plugin}"
        );
        assert_eq!(plugin["schemes"], serde_json::json!(schemes));
        assert_eq!(plugin["sdk_version"], flowdb_abi::ABI_VERSION);
        assert!(
            plugin["manifest_path"]
                .as_str()
                .unwrap()
                .starts_with(plugin_dir().to_str().unwrap())
        );
    }
}

#[test]
fn plugins_list_table_explains_refusals() {
    let home = temp_dir("cli-table");
    let extra = temp_dir("cli-table-plugins");
    write_manifest(
        &extra,
        "old",
        &manifest_body(
            "old",
            &["old"],
            "0.0.1",
            &common::library("flowdb_plugin_sqlite"),
        ),
    );
    let output = flowdb(&home)
        .arg("--plugin-path")
        .arg(&extra)
        .args(["plugins", "list"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("NAME"), "{stdout}");
    let old = stdout
        .lines()
        .find(|line| line.starts_with("old "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        old.contains("explicit") && old.contains("incompatible"),
        "{old}"
    );
    assert!(
        stdout.contains("reason: built with flowdb-plugin-sdk 0.0.1 against contract 0.0.1"),
        "{stdout}"
    );
}

#[test]
fn plugins_info_names_a_plugin_or_fails_with_code_4() {
    let home = temp_dir("cli-info");
    let output = flowdb(&home)
        .args(["plugins", "info", "postgresql"])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    assert!(
        stdout.contains("status:        loaded")
            && stdout.contains("schemes:       postgresql, postgres"),
        "{stdout}"
    );

    let output = flowdb(&home)
        .args(["plugins", "info", "oracle"])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(4));
    assert!(
        stderr.contains("no plugin named `oracle`") && stderr.contains("postgresql"),
        "{stderr}"
    );
}

/// `flowdb plugins list --json` with the misbehaving fixture plugin beside the built ones and
/// `env` set: the fixture's entry and every plugin listed.
fn list_with_misbehaving(
    label: &str,
    env: &[(&str, &str)],
) -> (serde_json::Value, Vec<serde_json::Value>) {
    let home = temp_dir(label);
    let extra = temp_dir(&format!("{label}-plugins"));
    let library = private_copy("flowdb_fixture_misbehaving", &extra);
    write_manifest(
        &extra,
        "misbehaving",
        &manifest_body(
            "misbehaving",
            &["misbehaving"],
            flowdb_abi::ABI_VERSION,
            &library,
        ),
    );
    let mut command = flowdb(&home);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .arg("--plugin-path")
        .arg(&extra)
        .args(["plugins", "list", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let plugins = document["plugins"].as_array().unwrap().clone();
    let misbehaving = plugins
        .iter()
        .find(|p| p["name"] == "misbehaving")
        .unwrap()
        .clone();
    (misbehaving, plugins)
}

/// A plugin whose initialisation never returns is refused by the probe process; the host,
/// which would have hung in `init` for good, lists it and goes on.
#[test]
fn a_plugin_that_hangs_while_loading_is_refused() {
    let (plugin, _) = list_with_misbehaving(
        "cli-init-hang",
        &[
            ("FLOWDB_MISBEHAVING_HANG_IN_INIT", "1"),
            ("FLOWDB_PLUGIN_PROBE_TIMEOUT", "1"),
        ],
    );
    assert_eq!(plugin["status"], "failed", "{plugin}");
    let reason = plugin["reason"].as_str().unwrap();
    assert!(
        reason.contains("did not finish loading within 1 s"),
        "{reason}"
    );
}

#[test]
fn a_panic_in_plugin_init_is_reported_not_fatal() {
    let (plugin, plugins) = list_with_misbehaving(
        "cli-init-panic",
        &[("FLOWDB_MISBEHAVING_PANIC_IN_INIT", "1")],
    );
    assert_eq!(plugin["status"], "failed", "{plugin}");
    let reason = plugin["reason"].as_str().unwrap();
    assert!(
        reason.contains("initialisation failed") && reason.contains("panic in init, as asked"),
        "{reason}"
    );
    // The other plugins are unaffected.
    let sqlite = plugins.iter().find(|p| p["name"] == "sqlite").unwrap();
    assert_eq!(sqlite["status"], "loaded");
}

#[test]
fn database_ping_on_the_default_sqlite_database() {
    let home = temp_dir("cli-default");
    let flowdb_home = home.join("fresh-home");
    let output = flowdb(&home)
        .env("FLOWDB_HOME", &flowdb_home)
        .args(["database", "ping"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.starts_with("ok: sqlite 3."), "{stdout}");
    assert!(
        flowdb_home.join("flowdb.db").is_file(),
        "the default database is created under FLOWDB_HOME"
    );
}

#[test]
fn database_ping_on_postgres_as_json() {
    let home = temp_dir("cli-ping-pg");
    let output = flowdb(&home)
        .env(
            "PREFECT_API_DATABASE_CONNECTION_URL",
            common::postgres_admin_url(),
        )
        .args(["database", "ping", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["kind"], "database-ping");
    assert_eq!(document["dialect"], "postgresql");
    assert_eq!(document["plugin"]["name"], "postgresql");
    assert!(
        document["server_version"]
            .as_str()
            .unwrap()
            .chars()
            .next()
            .unwrap()
            .is_ascii_digit()
    );
    assert!(document["latency_ms"].as_f64().unwrap() > 0.0);
}

#[test]
fn exit_codes_name_the_kind_of_failure() {
    let home = temp_dir("cli-exit");
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut command = flowdb(&home);
        for (key, value) in envs {
            command.env(key, value);
        }
        let output = command.args(args).output().unwrap();
        (output.status.code(), text(&output).1)
    };

    let (code, stderr) = run(
        &[("PREFECT_API_DATABASE_ECHO", "maybe")],
        &["database", "ping"],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("PREFECT_API_DATABASE_ECHO") && stderr.contains("maybe"),
        "{stderr}"
    );

    let (code, stderr) = run(
        &[],
        &["database", "ping", "--url", "oracle://scott@db/orcl"],
    );
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("no plugin serves the URL scheme `oracle`")
            && stderr.contains("known schemes"),
        "{stderr}"
    );

    let (code, stderr) = run(
        &[],
        &[
            "database",
            "ping",
            "--url",
            "postgresql://postgres@127.0.0.1:1/postgres",
        ],
    );
    assert_eq!(code, Some(5), "{stderr}");
    assert!(stderr.contains("127.0.0.1:1"), "{stderr}");

    let (code, _) = run(&[], &["database", "frobnicate"]);
    assert_eq!(code, Some(2));
}

#[test]
fn verbose_shows_the_full_layout_report() {
    let home = temp_dir("cli-verbose");
    let extra = temp_dir("cli-verbose-plugins");
    let library = common::library("flowdb_fixture_foreign_layout");
    write_manifest(
        &extra,
        "foreign",
        &manifest_body("foreign", &["foreign"], flowdb_abi::ABI_VERSION, &library),
    );
    let list = |verbose: bool| {
        let mut command = flowdb(&home);
        if verbose {
            command.arg("--verbose");
        }
        let output = command
            .arg("--plugin-path")
            .arg(&extra)
            .args(["plugins", "list"])
            .output()
            .unwrap();
        assert!(output.status.success());
        text(&output).0
    };
    let short = list(false);
    let foreign = short
        .lines()
        .find(|line| line.starts_with("foreign "))
        .unwrap_or_else(|| panic!("{short}"));
    assert!(foreign.contains("incompatible"), "{foreign}");
    assert!(
        short.contains("layout check failed") && !short.contains("layout report:"),
        "{short}"
    );
    let long = list(true);
    assert!(long.contains("layout report:"), "{long}");
    assert!(
        long.lines().count() > short.lines().count() + 5,
        "the full report is long"
    );
}

#[test]
fn database_upgrade_current_history_and_downgrade_on_the_default_sqlite_database() {
    let home = temp_dir("cli-migrate");
    let run = |args: &[&str]| {
        let output = flowdb(&home).args(args).output().unwrap();
        let (stdout, stderr) = text(&output);
        (output.status.code(), stdout, stderr)
    };
    let (code, stdout, stderr) = run(&["database", "upgrade"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("applying 20261125000000 prefect_3_9_1_baseline … done in"),
        "{stdout}"
    );
    assert!(home.join("flowdb.db").is_file());
    // The command closed its connections, so the schema is in the file itself, not only in the
    // write-ahead log: copying `flowdb.db` alone copies the database.
    assert!(
        !home.join("flowdb.db-wal").exists(),
        "the write-ahead log was checkpointed and removed"
    );
    assert!(std::fs::metadata(home.join("flowdb.db")).unwrap().len() > 100_000);

    let (code, stdout, _) = run(&["database", "upgrade", "-y"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("at 20261125000000 (0 applied now"),
        "{stdout}"
    );

    let (_, stdout, _) = run(&["database", "current"]);
    assert!(stdout.contains("current:   20261125000000"), "{stdout}");
    assert!(stdout.contains("prefect:   27d8f4e1a6c9"), "{stdout}");
    assert!(stdout.contains("pending:   none"), "{stdout}");

    let (_, stdout, _) = run(&["database", "current", "--json"]);
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["kind"], "database-current");
    assert_eq!(document["status"]["current"], "20261125000000");
    assert_eq!(document["status"]["alembic_revision"], "27d8f4e1a6c9");

    let (_, stdout, _) = run(&["database", "history"]);
    assert_eq!(
        stdout.trim(),
        "20261125000000 prefect_3_9_1_baseline (prefect 27d8f4e1a6c9)"
    );

    // Destructive commands ask first; with no terminal to ask on, they refuse.
    let (code, _, stderr) = run(&["database", "downgrade", "--revision", "base"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("without confirmation: pass -y"), "{stderr}");
    let (_, stdout, _) = run(&["database", "current"]);
    assert!(
        stdout.contains("current:   20261125000000"),
        "nothing was reverted: {stdout}"
    );

    let (code, stdout, stderr) = run(&["database", "downgrade", "--revision", "base", "-y"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("reverting 20261125000000 prefect_3_9_1_baseline … done in"),
        "{stdout}"
    );
    let (_, stdout, _) = run(&["database", "current"]);
    assert!(stdout.contains("current:   base"), "{stdout}");

    let (code, _, stderr) = run(&[
        "database",
        "downgrade",
        "--revision",
        "19990101000000",
        "-y",
    ]);
    assert_eq!(code, Some(5), "{stderr}");
    assert!(
        stderr.contains("unknown migration `19990101000000`"),
        "{stderr}"
    );
}

#[test]
fn upgrading_a_file_that_is_not_a_database_fails_and_leaves_it_alone() {
    let home = temp_dir("cli-not-a-db");
    let path = home.join("notes.db");
    let content = "these are notes, not a database\n".repeat(100);
    std::fs::write(&path, &content).unwrap();
    let url = format!("sqlite:///{}", path.display());
    let output = flowdb(&home)
        .args(["database", "upgrade", "--url", &url])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    // The URL points at something that is not a database: a configuration problem.
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("not a database"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
}

#[test]
fn upgrading_a_read_only_sqlite_file_fails_clearly() {
    let home = temp_dir("cli-read-only");
    let path = home.join("ro.db");
    let url = format!("sqlite:///{}", path.display());
    // An empty database file, then read-only. Tests may run as root, whom file modes do not
    // stop, so the URL also opens it read-only, as a user without write access gets it.
    let created = flowdb(&home)
        .args(["database", "ping", "--url", &url])
        .output()
        .unwrap();
    assert!(created.status.success());
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    let output = flowdb(&home)
        .args(["database", "upgrade", "--url", &format!("{url}?mode=ro")])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("readonly") || stderr.contains("read-only"),
        "{stderr}"
    );
}

#[cfg(unix)]
/// `flowdb` as a user whom file modes bind: as root (CI), the `nobody` account through
/// `setpriv`; otherwise the current user.
///
/// `nobody` may not reach the built binary and plugins where the checkout lives (a home
/// directory of mode 0700, a `mktemp -d` folder), so it runs a copy of them placed in `bin`
/// under `world_readable`, a directory every user may enter.
fn flowdb_unprivileged(home: &std::path::Path, world_readable: &std::path::Path) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let mut command = if is_root {
        let mut setpriv = Command::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        setpriv.arg(reachable_copy(world_readable));
        setpriv
    } else {
        Command::new(env!("CARGO_BIN_EXE_flowdb"))
    };
    for (key, _) in std::env::vars() {
        if key.starts_with("PREFECT_") || key.starts_with("FLOWDB_") {
            command.env_remove(key);
        }
    }
    command.env("FLOWDB_HOME", home).env("HOME", home);
    command
}

#[cfg(unix)]
/// `flowdb`, its probe and the SQLite plugin with its manifest, linked (or, across file
/// systems, copied) into `dir/bin`, readable and executable by every user; returns the copy
/// of `flowdb`.
fn reachable_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let bin = dir.join("bin");
    if !bin.exists() {
        std::fs::create_dir_all(&bin).unwrap();
        set_mode(&bin, 0o755);
        let flowdb = std::path::PathBuf::from(env!("CARGO_BIN_EXE_flowdb"));
        let built = flowdb.parent().unwrap().to_path_buf();
        for (name, mode) in [
            ("flowdb", 0o755),
            ("flowdb-plugin-probe", 0o755),
            (
                library("flowdb_plugin_sqlite")
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap(),
                0o755,
            ),
            ("sqlite.flowdb-plugin.toml", 0o644),
        ] {
            let (from, to) = (built.join(name), bin.join(name));
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).unwrap();
            }
            set_mode(&to, mode);
        }
    }
    bin.join("flowdb")
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A read-only directory: no database file can be created in it, and an existing one cannot
/// be migrated (SQLite's WAL needs its `-wal` and `-shm` files beside it). Both fail with the
/// path and what to fix, and leave the file as it was.
#[cfg(unix)]
#[test]
fn upgrading_in_a_read_only_directory_fails_clearly() {
    let root = temp_dir("cli-read-only-dir");
    set_mode(&root, 0o777);
    let home = root.join("home");
    std::fs::create_dir(&home).unwrap();
    set_mode(&home, 0o777);
    let locked = root.join("locked");
    std::fs::create_dir(&locked).unwrap();
    let existing = locked.join("existing.db");
    let created = flowdb(&home)
        .args([
            "database",
            "ping",
            "--url",
            &format!("sqlite:///{}", existing.display()),
        ])
        .output()
        .unwrap();
    assert!(created.status.success(), "{:?}", text(&created));
    set_mode(&existing, 0o666);
    let before = std::fs::read(&existing).unwrap();
    set_mode(&locked, 0o555);

    let missing = locked.join("new.db");
    let output = flowdb_unprivileged(&home, &root)
        .args([
            "database",
            "upgrade",
            "--url",
            &format!("sqlite:///{}", missing.display()),
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("directory exists and is writable"),
        "{stderr}"
    );
    assert!(!missing.exists());

    let output = flowdb_unprivileged(&home, &root)
        .args([
            "database",
            "upgrade",
            "--url",
            &format!("sqlite:///{}", existing.display()),
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("readonly database"), "{stderr}");
    assert!(stderr.contains("or its directory is read-only"), "{stderr}");
    set_mode(&locked, 0o755);
    assert_eq!(
        std::fs::read(&existing).unwrap(),
        before,
        "the file is untouched"
    );
    let _ = std::fs::remove_dir_all(root.join("bin"));
}

#[test]
fn database_revision_creates_a_migration_for_every_dialect() {
    let home = temp_dir("cli-revision");
    let migrations = home.join("migrations");
    for dialect in ["postgresql", "sqlite"] {
        std::fs::create_dir_all(migrations.join(dialect)).unwrap();
    }
    let output = flowdb(&home)
        .args([
            "database",
            "revision",
            "-m",
            "Add flow-run labels!",
            "--migrations-dir",
        ])
        .arg(&migrations)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    for dialect in ["postgresql", "sqlite"] {
        let names: Vec<String> = std::fs::read_dir(migrations.join(dialect))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        for name in &names {
            let (version, rest) = name.split_once('_').unwrap();
            assert!(
                version.len() == 14 && version.bytes().all(|b| b.is_ascii_digit()),
                "{name}"
            );
            assert!(
                rest == "add_flow_run_labels.up.sql" || rest == "add_flow_run_labels.down.sql",
                "{name}"
            );
        }
    }
    let output = flowdb(&home)
        .args(["database", "revision", "-m", "!!!"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// `flowdb query` lists the dialect's components, renders one and runs it; bad arguments name
/// the argument and what was expected.
#[test]
fn query_lists_renders_and_runs_components() {
    let home = temp_dir("cli-query");
    let url = format!("sqlite:///{}", home.join("q.db").display());
    let upgrade = flowdb(&home)
        .args(["database", "upgrade", "--url", &url])
        .output()
        .unwrap();
    assert!(upgrade.status.success(), "{:?}", text(&upgrade));

    let list = flowdb(&home)
        .args(["query", "list", "--json", "--url", &url])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&list);
    assert!(list.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["kind"], "query-list");
    assert_eq!(document["properties"]["max_bind_parameters"], 999);
    let names: Vec<&str> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|component| component["name"].as_str().unwrap())
        .collect();
    for spec in flowdb_abi::catalogue::STANDARD_COMPONENTS {
        assert!(
            names.contains(&spec.name),
            "{} missing from {names:?}",
            spec.name
        );
    }

    let render = flowdb(&home)
        .args([
            "query",
            "render",
            "get_scheduled_flow_runs_from_work_pool",
            "--args",
            r#"{"limit": 5, "work_pool_ids": ["0b5f7c1e-8d5c-4d1e-9a0e-000000000001"]}"#,
            "--json",
            "--url",
            &url,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&render);
    assert!(render.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let statement = &document["statements"][0];
    assert!(
        statement["sql"].as_str().unwrap().contains("json_each($"),
        "{statement}"
    );
    assert!(
        statement["params"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(["0b5f7c1e-8d5c-4d1e-9a0e-000000000001"])),
        "{statement}"
    );

    let run = flowdb(&home)
        .args([
            "query",
            "run",
            "make_timestamp_intervals",
            "--args",
            r#"{"start_time": "2026-12-01T00:00:00Z", "end_time": "2026-12-01T00:03:00Z", "interval": 60}"#,
            "--json",
            "--url",
            &url,
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&run);
    assert!(run.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        document["columns"],
        serde_json::json!(["interval_start", "interval_end"])
    );
    // Computed columns read as the kind the catalogue gives them, on every dialect (SQLite
    // declares no type for them and returned its storage text).
    assert_eq!(
        document["rows"],
        serde_json::json!([
            {"interval_start": "2026-12-01T00:00:00Z", "interval_end": "2026-12-01T00:01:00Z"},
            {"interval_start": "2026-12-01T00:01:00Z", "interval_end": "2026-12-01T00:02:00Z"},
            {"interval_start": "2026-12-01T00:02:00Z", "interval_end": "2026-12-01T00:03:00Z"},
        ])
    );

    let bad = flowdb(&home)
        .args([
            "query",
            "run",
            "get_scheduled_flow_runs_from_work_pool",
            "--args",
            r#"{"work_pool_ids": ["not-a-uuid"]}"#,
            "--url",
            &url,
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&bad);
    assert_eq!(bad.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("argument `work_pool_ids` must be a list of UUID texts"),
        "{stderr}"
    );

    let unknown = flowdb(&home)
        .args(["query", "render", "no_such_component", "--url", &url])
        .output()
        .unwrap();
    let (_, stderr) = text(&unknown);
    assert_eq!(unknown.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("no_such_component"), "{stderr}");
    assert!(stderr.contains("read_flow_runs"), "{stderr}");
}

/// `plugins info` lists a loaded plugin's query components.
#[test]
fn plugins_info_lists_query_components() {
    let home = temp_dir("cli-info-components");
    let output = flowdb(&home)
        .args(["plugins", "info", "postgresql", "--json"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let components = document["plugins"][0]["query_components"]
        .as_array()
        .unwrap();
    assert!(
        components
            .iter()
            .any(|component| component["name"] == "flow_run_graph_v2"
                && component["kind"] == "query"),
        "{stdout}"
    );
}

/// A reader that stops early (`flowdb plugins list | head -1`) ends the command quietly, with
/// the status a shell gives a process SIGPIPE ended, not a panic.
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    use std::process::Stdio;

    let home = temp_dir("cli-closed-pipe");
    for args in [
        vec!["plugins", "list"],
        vec!["query", "list", "--url", "sqlite:///:memory:"],
    ] {
        let mut child = flowdb(&home)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closed before the command writes a byte: its first write meets a broken pipe.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
