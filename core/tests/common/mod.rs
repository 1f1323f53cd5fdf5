//! Shared helpers of the integration tests: where the built plugins are, a PostgreSQL server,
//! throwaway databases and plugin directories.
#![allow(dead_code, clippy::unwrap_used)]

pub mod conformance;
pub mod pgbouncer;

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use flowdb::plugin::{MANIFEST_SUFFIX, PluginRegistry, SearchPath};
use flowdb::{DatabaseConfig, DbInterface};
use futures::FutureExt as _;

/// The directory cargo built the plugins into (beside the `flowdb` binary).
pub fn plugin_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_BIN_EXE_flowdb"))
        .parent()
        .unwrap()
        .to_path_buf();
    for name in ["sqlite", "postgresql"] {
        let manifest = dir.join(format!("{name}{MANIFEST_SUFFIX}"));
        assert!(
            manifest.is_file(),
            "{} is missing: build the plugins first with `cargo build --workspace`",
            manifest.display()
        );
    }
    dir
}

/// A built library of this workspace, by crate name (`flowdb_fixture_misbehaving`).
pub fn library(crate_name: &str) -> PathBuf {
    let path = plugin_dir().join(format!(
        "{}{crate_name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build --workspace`",
        path.display()
    );
    path
}

/// The registry of the built first-party plugin libraries, shared by the tests of one binary.
/// A test binary that names a plugin crate has its dialect built in; this registry leaves
/// built-ins out, so that every test runs the library builds (see [`registry_with_built_ins`]).
pub fn registry() -> &'static PluginRegistry {
    static REGISTRY: OnceLock<PluginRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        PluginRegistry::discover_libraries(SearchPath::explicit_only([plugin_dir()]))
    })
}

/// The registry a host gets: the dialects built into this test binary first, then the built
/// plugin libraries.
pub fn registry_with_built_ins() -> &'static PluginRegistry {
    static REGISTRY: OnceLock<PluginRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| PluginRegistry::discover(SearchPath::explicit_only([plugin_dir()])))
}

/// An interface for `url` through the built plugins.
pub fn interface(url: &str) -> std::sync::Arc<DbInterface> {
    DbInterface::with_registry(DatabaseConfig::new(url), registry()).unwrap()
}

/// The `flowdb` binary with a clean environment: no inherited database or flowdb settings, a
/// private home.
pub fn flowdb_command(home: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_flowdb"));
    for (key, _) in std::env::vars() {
        if key.starts_with("PREFECT_") || key.starts_with("FLOWDB_") {
            command.env_remove(key);
        }
    }
    command.env("FLOWDB_HOME", home).env("HOME", home);
    command
}

/// A model built from column values (in the table's column order), as a read builds it.
pub fn build<M: flowdb::models::Model>(values: Vec<flowdb::value::Value>) -> M {
    use abi_stable::std_types::{RString, RVec};
    let set = flowdb_abi::RowSet {
        columns: M::TABLE
            .columns
            .iter()
            .map(|column| RString::from(column.name))
            .collect(),
        values: values
            .into_iter()
            .map(flowdb_abi::ValueNE::new)
            .collect::<RVec<_>>(),
    };
    let rows = flowdb::value::Rows::new(set);
    M::from_row(&rows.row(0).unwrap())
        .unwrap_or_else(|err| panic!("{}: building the model: {err}", M::TABLE.name))
}

/// Whether the tests run as root (who may chown, and whom PostgreSQL and PgBouncer refuse to
/// run as).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A fresh, empty directory under the system temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "flowdb-test-{label}-{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The PostgreSQL server the tests use: `FLOWDB_TEST_POSTGRES_URL`, else the local default.
/// The suite does not skip PostgreSQL: an unreachable server fails the tests that need it.
pub fn postgres_admin_url() -> String {
    std::env::var("FLOWDB_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Where the test server is: (user, host, port).
pub fn postgres_server() -> (String, String, u16) {
    let admin = postgres_admin_url();
    let rest = admin.split_once("://").unwrap().1;
    let authority = rest.split(['/', '?']).next().unwrap();
    let (user, host_port) = authority
        .rsplit_once('@')
        .unwrap_or(("postgres", authority));
    let user = user.split(':').next().unwrap().to_owned();
    let (host, port) = host_port.rsplit_once(':').unwrap_or((host_port, "5432"));
    (user, host.to_owned(), port.parse().unwrap())
}

/// `admin` with its database replaced by `name`.
pub fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').unwrap();
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

/// Runs `test` against a new PostgreSQL database that is dropped afterwards, even if the
/// test panics.
pub async fn with_postgres_database<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    with_scratch_database(&postgres_admin_url(), "PostgreSQL", test).await
}

/// The MariaDB server the mysql dialect's tests use: `FLOWDB_TEST_MYSQL_URL`
/// (scripts/ensure-mariadb.sh), else the local default.
pub fn mysql_admin_url() -> String {
    std::env::var("FLOWDB_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// Runs `test` against a new MariaDB/MySQL database that is dropped afterwards, even if the
/// test panics.
pub async fn with_mysql_database<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    with_scratch_database(&mysql_admin_url(), "MariaDB", test).await
}

async fn with_scratch_database<F, Fut>(admin: &str, server: &str, test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "flowdb_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_micros()
    );
    let url = with_database(admin, &name);
    let db = interface(&url);
    db.create_database().await.unwrap_or_else(|err| {
        panic!("cannot create a test database on {admin} (is {server} running?): {err}")
    });
    let outcome = AssertUnwindSafe(test(url.clone())).catch_unwind().await;
    db.drop_database().await.unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Writes a manifest into `dir` and returns its path.
pub fn write_manifest(dir: &Path, file_stem: &str, body: &str) -> PathBuf {
    let path = dir.join(format!("{file_stem}{MANIFEST_SUFFIX}"));
    std::fs::write(&path, body).unwrap();
    path
}

/// A manifest body for a plugin. The library's version and capabilities are the ones it
/// describes itself with (the host checks them against the manifest): those of the manifest
/// cargo built beside a first-party plugin of that file name, else the workspace's version
/// and none (the fixtures).
pub fn manifest_body(name: &str, schemes: &[&str], sdk_version: &str, library: &Path) -> String {
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|item| format!("\"{item}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let schemes: Vec<String> = schemes.iter().map(|scheme| (*scheme).to_owned()).collect();
    let built = std::fs::read_dir(plugin_dir())
        .unwrap()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(MANIFEST_SUFFIX))
        .filter_map(|path| flowdb::plugin::Manifest::read(&path).ok())
        .find(|manifest| Path::new(&manifest.library).file_name() == library.file_name());
    let (version, capabilities) = built.map_or_else(
        || (env!("CARGO_PKG_VERSION").to_owned(), Vec::new()),
        |manifest| (manifest.version, manifest.capabilities),
    );
    // Built by this workspace's SDK: its contract. Another SDK version stands for a plugin
    // built elsewhere, whose manifest (written before contract versions) lets it stand for
    // the contract too.
    let contract = if sdk_version == flowdb_abi::ABI_VERSION {
        format!("contract_version = \"{}\"\n", flowdb_abi::CONTRACT_VERSION)
    } else {
        String::new()
    };
    format!(
        "manifest_version = 1\nname = \"{name}\"\nversion = \"{version}\"\nsdk_version = \"{sdk_version}\"\n{contract}schemes = [{}]\ncapabilities = [{}]\nlibrary = \"{}\"\n",
        quoted(&schemes),
        quoted(&capabilities),
        library.display()
    )
}

/// A private copy of a built library in `dir`: a separate load with its own statics (poison
/// flag, runtime), so a test that poisons it leaves the others alone.
pub fn private_copy(crate_name: &str, dir: &Path) -> PathBuf {
    let source = library(crate_name);
    let copy = dir.join(source.file_name().unwrap());
    std::fs::copy(&source, &copy).unwrap();
    copy
}
