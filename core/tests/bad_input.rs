//! Every kind of bad input the loader, registry and interface meet gets a clear error that
//! names what is wrong — and none of them takes the process down.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{interface, library, manifest_body, plugin_dir, registry, temp_dir, write_manifest};
use flowdb::plugin::{PluginPins, PluginRegistry, PluginReport, PluginStatus, SearchPath};
use flowdb::{DatabaseConfig, DbInterface, Error, ErrorKind};

fn only_report(dir: &Path) -> PluginReport {
    let registry = PluginRegistry::discover(SearchPath::explicit_only([dir.to_path_buf()]));
    let mut reports = registry.report(true);
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports.remove(0)
}

fn sqlite_library() -> PathBuf {
    library("flowdb_plugin_sqlite")
}

#[test]
fn missing_library_file() {
    let dir = temp_dir("missing-library");
    write_manifest(
        &dir,
        "ghost",
        &manifest_body(
            "ghost",
            &["ghost"],
            flowdb_abi::ABI_VERSION,
            &dir.join("libghost.so"),
        ),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("libghost.so") && reason.contains("does not exist"),
        "{reason}"
    );
}

#[test]
fn a_file_that_is_not_a_shared_library() {
    let dir = temp_dir("not-a-library");
    let fake = dir.join("libfake.so");
    std::fs::write(&fake, b"this is text, not ELF").unwrap();
    write_manifest(
        &dir,
        "fake",
        &manifest_body("fake", &["fake"], flowdb_abi::ABI_VERSION, &fake),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("is not an ELF shared library") && reason.contains("libfake.so"),
        "{reason}"
    );
}

#[test]
fn a_library_without_our_root_module() {
    // Any real shared library that is not a flowdb plugin: the C math library.
    let libm = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/aarch64-linux-gnu/libm.so.6",
        "/usr/lib64/libm.so.6",
        "/lib64/libm.so.6",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|path| path.is_file())
    .expect("a libm.so.6 to load");
    let dir = temp_dir("no-root-module");
    write_manifest(
        &dir,
        "libm",
        &manifest_body("libm", &["libm"], flowdb_abi::ABI_VERSION, &libm),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(reason.contains("no flowdb root module"), "{reason}");
}

#[test]
fn a_plugin_built_against_an_older_sdk() {
    let dir = temp_dir("older-sdk");
    write_manifest(
        &dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], "0.0.3", &sqlite_library()),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Incompatible);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("built with flowdb-plugin-sdk 0.0.3 against contract 0.0.3")
            && reason.contains(&format!(
                "this host speaks contract {}",
                flowdb_abi::CONTRACT_VERSION
            ))
            && reason.contains("older, incompatible contract"),
        "{reason}"
    );
    assert!(reason.contains("rebuild the plugin"), "{reason}");
}

#[test]
fn a_plugin_built_against_a_newer_incompatible_sdk() {
    let dir = temp_dir("newer-sdk");
    write_manifest(
        &dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], "1.0.0", &sqlite_library()),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Incompatible);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("built with flowdb-plugin-sdk 1.0.0 against contract 1.0.0"),
        "{reason}"
    );
    assert!(reason.contains("upgrade flowdb"), "{reason}");
}

/// The manifest claims a compatible SDK, but the library itself was built against an older
/// contract: abi_stable's version check in the host refuses it before any layout is trusted.
/// The fixture is what a plugin built for ABI 0.1 looks like to this 0.2 host: refused, with
/// the version it needs.
#[test]
fn a_library_built_against_an_older_abi_despite_its_manifest() {
    let dir = temp_dir("old-abi");
    let library = library("flowdb_fixture_old_abi");
    write_manifest(
        &dir,
        "old",
        &manifest_body("old", &["old"], flowdb_abi::ABI_VERSION, &library),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Incompatible, "{report:#?}");
    let reason = report.reason.unwrap();
    assert!(
        reason.contains(&format!(
            "built against flowdb-abi 0.1.0, incompatible with this host's {}",
            flowdb_abi::ABI_VERSION
        )),
        "{reason}"
    );
}

#[test]
fn a_layout_mismatch_is_refused_with_the_first_error_block() {
    let dir = temp_dir("layout");
    let library = library("flowdb_fixture_foreign_layout");
    write_manifest(
        &dir,
        "foreign",
        &manifest_body("foreign", &["foreign"], flowdb_abi::ABI_VERSION, &library),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Incompatible, "{report:#?}");
    let reason = report.reason.unwrap();
    assert!(reason.contains("layout check failed"), "{reason}");
    assert!(reason.contains("--verbose"), "{reason}");
    assert!(
        !reason.contains('\n'),
        "the listing reason is one line: {reason}"
    );
    let full = report.layout_report.unwrap();
    assert!(
        full.lines().count() > 5,
        "the full report is kept for --verbose: {full}"
    );
}

#[test]
fn a_manifest_with_broken_toml() {
    let dir = temp_dir("broken-toml");
    write_manifest(
        &dir,
        "broken",
        "manifest_version = 1\nname = \"broken\nschemes = [",
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::InvalidManifest);
    assert_eq!(report.name, "broken");
    let reason = report.reason.unwrap();
    assert!(reason.starts_with("broken TOML:"), "{reason}");
    assert!(
        reason.contains("line"),
        "the reason points at the line: {reason}"
    );
}

#[test]
fn a_manifest_missing_a_key() {
    let dir = temp_dir("missing-key");
    let body = manifest_body(
        "sqlite",
        &["sqlite"],
        flowdb_abi::ABI_VERSION,
        &sqlite_library(),
    )
    .replace(
        &format!("sdk_version = \"{}\"\n", flowdb_abi::ABI_VERSION),
        "",
    );
    write_manifest(&dir, "sqlite", &body);
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::InvalidManifest);
    let reason = report.reason.unwrap();
    assert!(reason.contains("missing field `sdk_version`"), "{reason}");
}

#[test]
fn a_manifest_with_an_unknown_manifest_version() {
    let dir = temp_dir("manifest-version");
    let body = manifest_body(
        "sqlite",
        &["sqlite"],
        flowdb_abi::ABI_VERSION,
        &sqlite_library(),
    )
    .replace("manifest_version = 1", "manifest_version = 2");
    write_manifest(&dir, "sqlite", &body);
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::InvalidManifest);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("unknown manifest_version 2: this flowdb reads manifest_version 1"),
        "{reason}"
    );
}

#[test]
fn two_plugins_claiming_one_scheme() {
    let first = temp_dir("clash-first");
    let second = temp_dir("clash-second");
    write_manifest(
        &first,
        "sqlite",
        &manifest_body(
            "sqlite",
            &["sqlite"],
            flowdb_abi::ABI_VERSION,
            &sqlite_library(),
        ),
    );
    write_manifest(
        &second,
        "lite",
        &manifest_body(
            "sqlite",
            &["sqlite"],
            flowdb_abi::ABI_VERSION,
            &sqlite_library(),
        ),
    );
    let registry =
        PluginRegistry::discover(SearchPath::explicit_only([first.clone(), second.clone()]));
    let reports = registry.report(true);
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].status, PluginStatus::Loaded);
    assert_eq!(reports[1].status, PluginStatus::Shadowed);
    let shadowed_by = reports[1].shadowed_by.as_deref().unwrap();
    assert!(
        shadowed_by.contains(&first.display().to_string()),
        "{shadowed_by}"
    );
    assert!(
        reports[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("comes first in the search order")
    );
    // Resolution follows the same rule.
    let plugin = registry.resolve("sqlite").unwrap();
    assert!(plugin.manifest_path().unwrap().starts_with(&first));
}

#[test]
fn an_unknown_scheme_lists_known_schemes_and_the_search() {
    let err = DbInterface::with_registry(
        DatabaseConfig::new("oracle+cx_oracle://scott@127.0.0.1/x"),
        registry(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::NoPlugin { .. }));
    assert!(
        message.contains("no plugin serves the URL scheme `oracle`"),
        "{message}"
    );
    assert!(
        message.contains("known schemes: mariadb, mysql, postgres, postgresql, sqlite"),
        "{message}"
    );
    assert!(message.contains("searched, in order:"), "{message}");
    assert!(
        message.contains(&plugin_dir().display().to_string()),
        "{message}"
    );
}

#[test]
fn a_failed_candidate_is_named_in_the_lookup_error() {
    let dir = temp_dir("rejected-candidate");
    write_manifest(
        &dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], "0.0.1", &sqlite_library()),
    );
    let registry = PluginRegistry::discover(SearchPath::explicit_only([dir]));
    let message = registry.resolve("sqlite").unwrap_err().to_string();
    assert!(message.contains("candidates rejected:"), "{message}");
    assert!(
        message.contains("older, incompatible contract"),
        "{message}"
    );
}

#[test]
fn malformed_urls() {
    let err = DbInterface::with_registry(DatabaseConfig::new("not a url"), registry()).unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
    assert!(err.to_string().contains("expected `scheme://…`"), "{err}");

    let err =
        DbInterface::with_registry(DatabaseConfig::new("sql ite://x"), registry()).unwrap_err();
    assert!(err.to_string().contains("is not a valid scheme"), "{err}");
}

#[tokio::test]
async fn malformed_urls_inside_the_plugin() {
    // Passwords SQLAlchemy takes unencoded, with the characters that end an authority early
    // when a URL is split naively; the plugin masks them with the host's redaction.
    for password in [
        "Zqxsecret",
        "Zqx/Wkv",
        "Zqx?Wkv",
        "Zqx@Wkv",
        "Zqx/Wkv@Jmb?Tyr",
    ] {
        let err = interface(&format!(
            "postgresql://postgres:{password}@127.0.0.1:notaport/db"
        ))
        .database()
        .await
        .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::INVALID_ARGUMENT), "{err}");
        let message = err.to_string();
        assert!(message.contains("malformed PostgreSQL URL"), "{message}");
        assert!(
            message.contains("postgres:***@127.0.0.1:notaport/db"),
            "{message}"
        );
        for piece in password.split(['/', '?', '@']) {
            assert!(
                !message.contains(piece),
                "the password `{password}` must not leak: {message}"
            );
        }
    }

    let err = interface("sqlite://somehost/x.db")
        .database()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::INVALID_ARGUMENT), "{err}");
    assert!(
        err.to_string().contains("SQLite URLs have no host"),
        "{err}"
    );
}

#[tokio::test]
async fn an_unreachable_server() {
    let db = interface("postgresql+asyncpg://postgres@127.0.0.1:1/postgres");
    let err = db.database().await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::CONNECTION), "{err}");
    assert!(
        err.to_string()
            .contains("could not connect to PostgreSQL at 127.0.0.1:1"),
        "{err}"
    );
    assert!(!db.is_db_connectable().await);
}

#[tokio::test]
async fn wrong_credentials() {
    let admin = common::postgres_admin_url();
    let url = admin.replacen("://postgres", "://no_such_role_for_flowdb_tests", 1);
    assert_ne!(
        url, admin,
        "the test server URL must use the postgres role: {admin}"
    );
    let err = interface(&url).database().await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::AUTHENTICATION), "{err}");
    assert!(
        err.to_string().contains("no_such_role_for_flowdb_tests"),
        "{err}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_sqlite_database() {
    let dir = temp_dir("not-sqlite");
    let path = dir.join("notes.db");
    std::fs::write(&path, "these are notes, not a database ".repeat(200)).unwrap();
    let db = interface(&format!("sqlite:///{}", path.display()));
    let err = match db.database().await {
        Err(err) => err,
        Ok(database) => database
            .fetch_all("select * from sqlite_master", vec![])
            .await
            .unwrap_err(),
    };
    assert!(err.to_string().contains("not a database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "these are notes, not a database ".repeat(200),
        "the file is untouched"
    );
}

#[test]
fn a_setting_with_a_bad_value() {
    let env = std::collections::HashMap::from([(
        "PREFECT_API_DATABASE_TIMEOUT".to_owned(),
        "soon".to_owned(),
    )]);
    let err = flowdb::settings::Settings::from_sources(&env, None).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("PREFECT_API_DATABASE_TIMEOUT") && message.contains("soon"),
        "{message}"
    );
}

/// A plugin is loaded only from places no one but its owner and root can change: a library,
/// manifest or directory writable by anyone, owned by another user, or reached through a
/// symbolic link into such a place, is refused with the path and the fix. (Group write is
/// warned about: a umask of 002 gives it to every file a user builds.)
#[cfg(unix)]
#[test]
fn plugins_only_from_places_no_one_else_can_change() {
    use std::os::unix::fs::PermissionsExt as _;
    let set_mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let dir = temp_dir("untrusted-plugin");
    set_mode(&dir, 0o755);
    let copy = common::private_copy("flowdb_plugin_sqlite", &dir);
    set_mode(&copy, 0o755);
    let manifest = write_manifest(
        &dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &copy),
    );
    set_mode(&manifest, 0o644);
    for (path, mode, says) in [
        (&dir, 0o777, "is writable by anyone (mode 0777)"),
        (&dir, 0o1777, "is writable by anyone (mode 1777)"),
        (&copy, 0o757, "is writable by anyone (mode 0757)"),
        (&manifest, 0o666, "is writable by anyone (mode 0666)"),
    ] {
        set_mode(path, mode);
        let report = only_report(&dir);
        assert_eq!(report.status, PluginStatus::Failed, "{}", path.display());
        let reason = report.reason.unwrap();
        assert!(
            reason.contains(says)
                && reason.contains(&path.display().to_string())
                && reason.contains("chmod go-w"),
            "{reason}"
        );
        set_mode(path, if path.is_dir() { 0o755 } else { 0o644 });
    }
    set_mode(&copy, 0o755);

    // Through a symbolic link: the file it leads to, and that file's directory, are checked.
    let elsewhere = temp_dir("untrusted-target");
    let target = common::private_copy("flowdb_plugin_sqlite", &elsewhere);
    set_mode(&elsewhere, 0o777);
    let linked_dir = temp_dir("untrusted-link");
    set_mode(&linked_dir, 0o755);
    let link = linked_dir.join("libflowdb_plugin_sqlite.so");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write_manifest(
        &linked_dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &link),
    );
    let report = only_report(&linked_dir);
    let reason = report.reason.unwrap_or_default();
    assert!(
        reason.contains(&elsewhere.display().to_string()) && reason.contains("writable by anyone"),
        "{reason}"
    );
    set_mode(&elsewhere, 0o755);

    // Owned by another user: only root can give a file away, so only a root run checks it.
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    if is_root {
        std::os::unix::fs::chown(&copy, Some(65534), None).unwrap();
        let reason = only_report(&dir).reason.unwrap_or_default();
        assert!(
            reason.contains("is owned by user 65534")
                && reason.contains(&copy.display().to_string()),
            "{reason}"
        );
        std::os::unix::fs::chown(&copy, Some(0), None).unwrap();

        // Writable by a group that is not the owner's own: its members could replace it.
        set_mode(&copy, 0o775);
        std::os::unix::fs::chown(&copy, None, Some(65534)).unwrap();
        let reason = only_report(&dir).reason.unwrap_or_default();
        assert!(
            reason.contains("is writable by its group 65534 (mode 0775)")
                && reason.contains("not the private group of its owner `root`")
                && reason.contains("chmod g-w"),
            "{reason}"
        );
        std::os::unix::fs::chown(&copy, None, Some(0)).unwrap();
        set_mode(&copy, 0o755);
    }
    // Last: a library once loaded stays loaded for the process, checks and all. Group write
    // by the owner's private group (root's own, here, or a umask of 002 under user private
    // groups) is allowed.
    set_mode(&dir, 0o775);
    let report = only_report(&dir);
    if is_root {
        assert_eq!(report.status, PluginStatus::Loaded, "{:?}", report.reason);
    } else {
        // Whether a non-root user's group is private depends on the machine; the answer
        // must be one of the two.
        assert!(
            report.status == PluginStatus::Loaded
                || report
                    .reason
                    .as_deref()
                    .unwrap_or_default()
                    .contains("is writable by its group"),
            "{report:?}"
        );
    }
    set_mode(&dir, 0o755);
    let _ = std::fs::remove_dir_all(&elsewhere);
    let _ = std::fs::remove_dir_all(&linked_dir);
}

/// A private plugin directory holding a copy of the SQLite plugin, and the copy's path.
fn private_sqlite_plugin(label: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(label);
    let copy = common::private_copy("flowdb_plugin_sqlite", &dir);
    write_manifest(
        &dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &copy),
    );
    (dir, copy)
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn report_with_pins(dir: &Path, pins: PluginPins) -> PluginReport {
    let registry =
        PluginRegistry::discover(SearchPath::explicit_only([dir.to_path_buf()])).with_pins(pins);
    let mut reports = registry.report(true);
    assert_eq!(reports.len(), 1, "{reports:#?}");
    reports.remove(0)
}

#[test]
fn a_pinned_plugin_loads_only_as_the_file_pinned() {
    let (dir, copy) = private_sqlite_plugin("pinned");
    let digest = sha256_hex(&copy);
    let report = report_with_pins(&dir, PluginPins::none());
    assert_eq!(report.sha256.as_deref(), Some(digest.as_str()), "listed");

    // Another file at the same place — a one-byte change, as a tampered or half-updated
    // install — is refused before it is mapped, whatever the pins' spelling.
    let other = "0".repeat(64);
    let report = report_with_pins(&dir, PluginPins::none().pin("sqlite", &other).unwrap());
    assert_eq!(report.status, PluginStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains(&format!("has SHA-256 {digest}"))
            && reason.contains(&format!("pinned to {other}"))
            && reason.contains("reinstall the plugin you pinned"),
        "{reason}"
    );
    let tampered_dir = temp_dir("pinned-tampered");
    let tampered = tampered_dir.join(copy.file_name().unwrap());
    let mut bytes = std::fs::read(&copy).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&tampered, bytes).unwrap();
    write_manifest(
        &tampered_dir,
        "sqlite",
        &manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &tampered),
    );
    let report = report_with_pins(
        &tampered_dir,
        PluginPins::none()
            .pin("sqlite", &format!("sha256:{}", digest.to_uppercase()))
            .unwrap(),
    );
    assert_eq!(report.status, PluginStatus::Failed);
    assert!(report.reason.unwrap().contains("is pinned to"));

    // Required pins: an unpinned plugin is refused, naming what to add.
    let report = report_with_pins(&dir, PluginPins::none().require_pins(true));
    assert_eq!(report.status, PluginStatus::Failed);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("no SHA-256 pin for plugin `sqlite`")
            && reason.contains("[flowdb.plugins.sha256]"),
        "{reason}"
    );

    // The right pin loads; it is checked again for a library already loaded.
    for _ in 0..2 {
        let pins = PluginPins::none()
            .require_pins(true)
            .pin("sqlite", &digest)
            .unwrap();
        assert_eq!(report_with_pins(&dir, pins).status, PluginStatus::Loaded);
    }
    let report = report_with_pins(&dir, PluginPins::none().pin("sqlite", &other).unwrap());
    assert_eq!(
        report.status,
        PluginStatus::Failed,
        "checked once loaded too"
    );
    let _ = std::fs::remove_dir_all(&tampered_dir);
}

#[test]
fn pins_from_the_config_file_and_their_mistakes() {
    let (dir, copy) = private_sqlite_plugin("pinned-config");
    let digest = sha256_hex(&copy);
    let config = dir.join("flowdb.toml");
    let pins_of = |text: &str| {
        std::fs::write(&config, text).unwrap();
        PluginPins::from_config_file(&config)
    };
    let pins = pins_of(&format!(
        "[server.database]\nname = \"x\"\n[flowdb.plugins]\nrequire_sha256 = true\n\
         [flowdb.plugins.sha256]\nsqlite = \"{digest}\"\n"
    ))
    .unwrap();
    assert_eq!(pins.pinned("sqlite"), Some(digest.as_str()));
    assert_eq!(report_with_pins(&dir, pins).status, PluginStatus::Loaded);
    let no_pins = pins_of("[server.database]\nname = \"x\"\n").unwrap();
    assert_eq!(
        no_pins.pinned("sqlite"),
        None,
        "no [flowdb.plugins]: no pins"
    );
    assert_eq!(report_with_pins(&dir, no_pins).status, PluginStatus::Loaded);

    for (text, says) in [
        (
            "[flowdb.plugins.sha256]\nsqlite = \"abc\"\n",
            "`flowdb.plugins.sha256.sqlite` must be a SHA-256 digest",
        ),
        (
            "[flowdb.plugins.sha256]\nsqlite = 12\n",
            "`flowdb.plugins.sha256.sqlite` must be a SHA-256 digest",
        ),
        (
            "[flowdb.plugins]\nrequire = true\n",
            "unknown key `flowdb.plugins.require`",
        ),
        (
            "[flowdb.plugins]\nrequire_sha256 = \"yes\"\n",
            "must be true or false",
        ),
        (
            "[flowdb]\nplugins = 3\n",
            "`flowdb.plugins` must be a table",
        ),
        ("[flowdb.plugins\n", "not valid TOML"),
    ] {
        let err = pins_of(text).unwrap_err();
        assert!(err.contains(says), "{text}: {err}");
    }
}

#[test]
fn the_cli_refuses_every_plugin_when_the_pins_are_unreadable() {
    let (dir, copy) = private_sqlite_plugin("pinned-cli");
    let config = dir.join("flowdb.toml");
    std::fs::write(
        &config,
        "[flowdb.plugins.sha256]\nsqlite = \"not a digest\"\n",
    )
    .unwrap();
    let flowdb = |config: &Path| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_flowdb"))
            .env("FLOWDB_CONFIG", config)
            .env("FLOWDB_HOME", &dir)
            .env_remove("FLOWDB_PLUGIN_PATH")
            .args(["--plugin-path", dir.to_str().unwrap(), "plugins", "list"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let listing = flowdb(&config);
    assert!(
        listing.contains("cannot be used, so no plugin is trusted")
            && !listing.contains(" loaded "),
        "fails closed: {listing}"
    );
    std::fs::write(
        &config,
        format!(
            "[flowdb.plugins.sha256]\nsqlite = \"{}\"\n",
            sha256_hex(&copy)
        ),
    )
    .unwrap();
    let listing = flowdb(&config);
    let digest = sha256_hex(&copy);
    assert!(listing.contains(&digest[..12]), "{listing}");
}

#[test]
fn relative_places_are_refused_unless_explicit() {
    let search = SearchPath::from_lookup(
        |key| match key {
            "FLOWDB_PLUGIN_PATH" => Some("plugins:/opt/flowdb".into()),
            "FLOWDB_HOME" => Some("relative-home".into()),
            _ => None,
        },
        Some(PathBuf::from("/usr/bin/flowdb")),
    )
    .with_explicit([PathBuf::from("explicit-relative")]);
    let refused: Vec<(String, bool)> = search
        .dirs
        .iter()
        .map(|dir| (dir.path.display().to_string(), dir.refused.is_some()))
        .collect();
    assert_eq!(
        refused[..4],
        [
            ("explicit-relative".to_owned(), false),
            ("plugins".to_owned(), true),
            ("/opt/flowdb".to_owned(), false),
            ("/usr/bin".to_owned(), false),
        ]
    );
    let user = search
        .dirs
        .iter()
        .find(|dir| dir.path == Path::new("relative-home/plugins"))
        .unwrap();
    assert!(
        user.refused
            .as_deref()
            .unwrap()
            .contains("a relative path (from FLOWDB_HOME or HOME) is refused"),
        "{user:?}"
    );

    // `plugins list` says so even when other places did hold plugins.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_flowdb"))
        .env("FLOWDB_PLUGIN_PATH", "relative/plugins")
        .args(["plugins", "list"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&output.stdout);
    assert!(
        listing.contains("not searched: [FLOWDB_PLUGIN_PATH] relative/plugins: relative paths"),
        "{listing}"
    );
}

/// A manifest that does not describe its library — other schemes, another version or SDK,
/// other capabilities — is refused once the library describes itself, naming each field, and
/// a URL of a scheme only the manifest claims does not reach the library.
#[test]
fn a_manifest_that_lies_about_its_library_is_refused() {
    let real = manifest_body(
        "sqlite",
        &["sqlite"],
        flowdb_abi::ABI_VERSION,
        &sqlite_library(),
    );
    let lies = [
        (
            "schemes",
            real.replace("schemes = [\"sqlite\"]", "schemes = [\"sqlite\", \"kv2\"]"),
        ),
        (
            "version",
            real.replace(
                &format!("\nversion = \"{}\"", env!("CARGO_PKG_VERSION")),
                "\nversion = \"9.9.9\"",
            ),
        ),
        ("capabilities", real.replace("\"in-memory\", ", "")),
        (
            "capabilities",
            real.replace("\"in-memory\", ", "\"in-memory\", \"teleport\", "),
        ),
        (
            "sdk_version",
            real.replace(
                &format!("sdk_version = \"{}\"", flowdb_abi::ABI_VERSION),
                "sdk_version = \"0.1.9\"",
            ),
        ),
        (
            "contract_version",
            real.replace(
                &format!("contract_version = \"{}\"", flowdb_abi::CONTRACT_VERSION),
                "contract_version = \"0.2.0\"",
            ),
        ),
        (
            "schemes",
            real.replace("schemes = [\"sqlite\"]", "schemes = [\"kv2\"]"),
        ),
    ];
    for (field, body) in lies {
        assert_ne!(body, real, "{field}: the lie was written");
        let dir = temp_dir("lying-manifest");
        write_manifest(&dir, "sqlite", &body);
        let registry = PluginRegistry::discover(SearchPath::explicit_only([dir.clone()]));
        let report = registry.report(true).remove(0);
        assert_eq!(
            report.status,
            PluginStatus::Failed,
            "{field}: {:?}",
            report.reason
        );
        let reason = report.reason.clone().unwrap_or_default();
        assert!(
            reason.contains("the manifest does not describe this library")
                && reason.contains(&format!("{field}: the manifest says")),
            "{field}: {reason}"
        );
        if field == "schemes" {
            let err = registry
                .resolve("kv2")
                .map(|_| ())
                .expect_err("kv2 reaches no plugin");
            assert!(err.to_string().contains("kv2"), "{err}");
        }
    }
}

/// The SDK's version and the contract's are kept apart: a manifest of this SDK that claims a
/// newer contract is refused naming the contract (not the SDK) and what to do; one that claims
/// an older compatible contract passes the version check, and is then refused only because the
/// library itself says otherwise; the manifests cargo builds carry the contract's own version.
#[test]
fn contract_versions_decide_and_are_named_apart_from_the_sdk() {
    let real = manifest_body(
        "sqlite",
        &["sqlite"],
        flowdb_abi::ABI_VERSION,
        &sqlite_library(),
    );
    let contract_line = format!("contract_version = \"{}\"", flowdb_abi::CONTRACT_VERSION);
    assert!(real.contains(&contract_line), "{real}");

    let dir = temp_dir("newer-contract");
    write_manifest(
        &dir,
        "sqlite",
        &real.replace(&contract_line, "contract_version = \"0.9.0\""),
    );
    let report = only_report(&dir);
    assert_eq!(report.status, PluginStatus::Incompatible);
    let reason = report.reason.unwrap();
    assert!(
        reason.contains(&format!(
            "built with flowdb-plugin-sdk {} against contract 0.9.0, and this host speaks contract {}",
            flowdb_abi::ABI_VERSION,
            flowdb_abi::CONTRACT_VERSION
        )) && reason.contains("upgrade flowdb"),
        "{reason}"
    );

    let dir = temp_dir("older-contract");
    write_manifest(
        &dir,
        "sqlite",
        &real.replace(&contract_line, "contract_version = \"0.2.0\""),
    );
    let report = only_report(&dir);
    assert_eq!(
        report.status,
        PluginStatus::Failed,
        "compatible, so the library was opened"
    );
    let reason = report.reason.unwrap();
    assert!(
        reason.contains("contract_version: the manifest says 0.2.0"),
        "{reason}"
    );

    for name in ["sqlite", "postgresql"] {
        let built = flowdb::plugin::Manifest::read(
            &plugin_dir().join(format!("{name}{}", flowdb::plugin::MANIFEST_SUFFIX)),
        )
        .unwrap();
        assert_eq!(
            built.contract_version(),
            flowdb_abi::CONTRACT_VERSION,
            "{name}"
        );
    }
}

/// A contract version that is not one — empty, cut short, words, huge — is refused when the
/// manifest is read, naming the field.
#[test]
fn malformed_contract_versions_are_refused() {
    let real = manifest_body(
        "sqlite",
        &["sqlite"],
        flowdb_abi::ABI_VERSION,
        &sqlite_library(),
    );
    let line = format!("contract_version = \"{}\"", flowdb_abi::CONTRACT_VERSION);
    let huge = "9".repeat(10_000);
    for bad in ["", "0.2", "zero.two.one", "0.2.1 ", "ä.ö.ü", huge.as_str()] {
        let body = real.replace(&line, &format!("contract_version = \"{bad}\""));
        let err = flowdb::plugin::Manifest::parse(&body).unwrap_err();
        assert!(err.contains("contract_version"), "{bad:.20}: {err}");
    }
}

/// A library with no manifest naming it, and manifests under names the search skips, are
/// listed with the reason and the fix, never silently ignored.
#[test]
fn a_library_without_a_manifest_and_misnamed_manifests_are_listed_with_the_fix() {
    let dir = temp_dir("ignored-files");
    let orphan = dir.join("liborphan.so");
    std::fs::copy(sqlite_library(), &orphan).unwrap();
    let library = dir.join("libnamed.so");
    std::fs::copy(sqlite_library(), &library).unwrap();
    let body = manifest_body("sqlite", &["sqlite"], flowdb_abi::ABI_VERSION, &library);
    write_manifest(&dir, "sqlite", &body);
    std::fs::write(dir.join("sqlite.toml"), &body).unwrap();
    std::fs::write(
        dir.join("flowdb-plugin.toml"),
        "manifest_version = 1\nname = \"x\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("notes.toml"), "title = \"not a manifest\"\n").unwrap();

    let registry = PluginRegistry::discover(SearchPath::explicit_only([dir.clone()]));
    let ignored: Vec<(String, String)> = registry
        .ignored()
        .iter()
        .map(|file| {
            (
                file.path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                file.reason.clone(),
            )
        })
        .collect();
    let names: Vec<&str> = ignored.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["flowdb-plugin.toml", "liborphan.so", "sqlite.toml"],
        "{ignored:#?}"
    );
    assert!(
        ignored[0].1.contains("rename it to `x.flowdb-plugin.toml`"),
        "{ignored:#?}"
    );
    assert!(
        ignored[1].1.contains("no manifest here names")
            && ignored[1].1.contains("library = \"liborphan.so\""),
        "{ignored:#?}"
    );
    assert!(
        ignored[2]
            .1
            .contains("rename it to `sqlite.flowdb-plugin.toml`"),
        "{ignored:#?}"
    );
    assert_eq!(
        registry.report(false).len(),
        1,
        "the real plugin is still found"
    );

    let home = temp_dir("ignored-files-home");
    let output = common::flowdb_command(&home)
        .arg("--plugin-path")
        .arg(&dir)
        .args(["plugins", "list"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("ignored: [explicit] {}", orphan.display())),
        "{stdout}"
    );
    let output = common::flowdb_command(&home)
        .arg("--plugin-path")
        .arg(&dir)
        .args(["plugins", "list", "--json"])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let here = document["ignored"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|file| file["tier"] == "explicit")
        .count();
    assert_eq!(here, 3, "{document:#}");
}
