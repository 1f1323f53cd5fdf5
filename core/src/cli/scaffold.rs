//! `flowdb plugins new NAME [--path DIR]`: a dialect plugin crate that builds and loads as it
//! is, outside any workspace, for an author to fill in.

use std::path::{Path, PathBuf};

use crate::cli::CliError;

/// Where this build's SDK sources are, when `flowdb` runs from the workspace it was built in.
const WORKSPACE_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../plugin-sdk");

/// Writes the skeleton of plugin `name` into `dir` (default `./flowdb-plugin-NAME`) and returns
/// the directory. The SDK is a path dependency on `sdk` (default: this build's workspace, when
/// it is still there), else the released crate of this version.
pub(crate) fn new_plugin(
    name: &str,
    dir: Option<PathBuf>,
    sdk: Option<PathBuf>,
) -> Result<PathBuf, CliError> {
    check_name(name)?;
    let dir = dir.unwrap_or_else(|| PathBuf::from(format!("flowdb-plugin-{name}")));
    let sdk = match sdk {
        Some(path) => Some(path.canonicalize().map_err(|err| CliError {
            code: 2,
            message: format!(
                "--sdk-path {}: {err}; give the directory of flowdb-plugin-sdk's sources (plugin-sdk in flowdb's repository)",
                path.display()
            ),
        })?),
        None => Path::new(WORKSPACE_SDK).canonicalize().ok(),
    };
    let dependency = |package: &str, subdir: &str| match &sdk {
        // A TOML basic string escapes as a JSON string does.
        Some(sdk) => format!(
            "{package} = {{ path = {} }}",
            serde_json::Value::from(sdk.join(subdir).to_string_lossy())
        ),
        None => format!("{package} = \"={}\"", env!("CARGO_PKG_VERSION")),
    };
    let files = [
        (
            "Cargo.toml",
            CARGO_TOML
                .replace("{sdk}", &dependency("flowdb-plugin-sdk", ""))
                .replace(
                    "{build}",
                    &dependency("flowdb-plugin-build", "build-support"),
                ),
        ),
        ("build.rs", BUILD_RS.to_owned()),
        ("flowdb-plugin.toml", MANIFEST.to_owned()),
        ("src/lib.rs", LIB_RS.to_owned()),
        ("README.md", README.to_owned()),
        (".gitignore", "/target\n".to_owned()),
    ];
    let type_name = type_name(name);
    let write = |relative: &str, text: &str| -> Result<(), CliError> {
        let path = dir.join(relative);
        let text = text
            .replace("{name}", name)
            .replace("{crate}", &format!("flowdb-plugin-{name}"))
            .replace("{Type}", &type_name);
        path.parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| std::fs::write(&path, text))
            .map_err(|err| CliError {
                code: 1,
                message: format!("cannot write {}: {err}", path.display()),
            })
    };
    // The directory itself is created here, not found: `plugins new` never writes into one
    // that exists, and removes what it wrote if it cannot finish.
    std::fs::create_dir(&dir).map_err(|err| CliError {
        code: 2,
        message: if err.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists; `plugins new` writes only into a new directory: choose another --path, or remove it",
                dir.display()
            )
        } else {
            format!("cannot create {}: {err}", dir.display())
        },
    })?;
    for (relative, text) in &files {
        if let Err(err) = write(relative, text) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(err);
        }
    }
    Ok(dir)
}

/// A plugin's name is its dialect's, its URL scheme and part of its crate's name.
fn check_name(name: &str) -> Result<(), CliError> {
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && name.len() <= 40;
    if valid {
        Ok(())
    } else {
        Err(CliError {
            code: 2,
            message: format!(
                "`{name}` cannot name a dialect: it becomes the URL scheme and part of the crate's name, so use lowercase letters, digits and `-`, a letter first (e.g. `mydb`)"
            ),
        })
    }
}

/// `my-db` → `MyDb`.
fn type_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

const CARGO_TOML: &str = r#"[package]
name = "{crate}"
description = "The {name} dialect for flowdb."
version = "0.1.0"
edition = "2024"
publish = false

# A plugin is a C-ABI shared library the host loads at run time (cdylib), and a crate a host
# may link into its own binary instead (rlib: the dialect is then built in).
[lib]
crate-type = ["cdylib", "rlib"]

[dependencies]
{sdk}

[build-dependencies]
# Writes target/<profile>/{name}.flowdb-plugin.toml beside the library.
{build}

# A crate of its own, outside any enclosing workspace.
[workspace]
"#;

const BUILD_RS: &str = r#"//! Writes the plugin's manifest beside the built library, from flowdb-plugin.toml.

fn main() {
    flowdb_plugin_build::write_manifest("flowdb-plugin.toml");
}
"#;

const MANIFEST: &str = r#"# The manifest template: build.rs copies it beside the built library, adding `version`,
# `sdk_version`, `contract_version` and `library`. `name`, `schemes` and `capabilities` must be
# the ones src/lib.rs declares, or the host refuses the plugin.
manifest_version = 1
name = "{name}"
schemes = ["{name}"]
capabilities = []
"#;

const LIB_RS: &str = r#"//! The {name} dialect for flowdb: a skeleton that builds and loads. Each method says what is
//! left to write; `flowdb plugins verify` says what works.
#![forbid(unsafe_code)]

use flowdb_plugin_sdk::prelude::*;

/// The dialect: its name, URL schemes and capabilities (keep them equal to
/// flowdb-plugin.toml's).
pub struct {Type}Dialect;

/// A pool of connections (wrap your driver's pool here; futures must be `'static`, so clone
/// what they need).
pub struct {Type}Pool;

/// A transaction on one connection.
pub struct {Type}Transaction;

fn not_yet(what: &str) -> Error {
    Error::new(
        ErrorKind::UNSUPPORTED,
        format!("{name}: {what} is not written yet (src/lib.rs)"),
    )
}

impl Dialect for {Type}Dialect {
    const NAME: &'static str = "{name}";
    const URL_SCHEMES: &'static [&'static str] = &["{name}"];
    // Declare only what `flowdb plugins verify` confirms: create-database, drop-database,
    // float-special, skip-locked, …
    const CAPABILITIES: &'static [&'static str] = &[];

    type Pool = {Type}Pool;

    fn connect(_options: ConnectOptions) -> impl Future<Output = Result<{Type}Pool>> + Send + use<> {
        // Parse options.url, open the driver's pool, apply the settings in options.
        std::future::ready(Ok({Type}Pool))
    }
}

impl Pool for {Type}Pool {
    type Transaction = {Type}Transaction;

    fn execute(&self, _statement: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        // Bind statement.params ($1, $2, … in statement.sql) and run it in autocommit.
        std::future::ready(Err(not_yet("execute")))
    }

    fn fetch_all(&self, _statement: Statement) -> impl Future<Output = Result<RowSet>> + Send + use<> {
        std::future::ready(Err(not_yet("fetch_all")))
    }

    fn begin(&self, _with_for_update: bool) -> impl Future<Output = Result<{Type}Transaction>> + Send + use<> {
        std::future::ready(Err(not_yet("begin")))
    }

    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        std::future::ready(Ok(ServerInfo {
            dialect: "{name}".into(),
            server_version: "unknown".into(),
        }))
    }

    fn status(&self) -> PoolStatus {
        PoolStatus {
            size: 0,
            idle: 0,
            max_size: 0,
        }
    }
}

impl Transaction for {Type}Transaction {
    fn execute(&mut self, _statement: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + '_ {
        std::future::ready(Err(not_yet("Transaction::execute")))
    }

    fn fetch_all(&mut self, _statement: Statement) -> impl Future<Output = Result<RowSet>> + Send + '_ {
        std::future::ready(Err(not_yet("Transaction::fetch_all")))
    }

    fn commit(self) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(Err(not_yet("commit")))
    }

    fn rollback(self) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(Err(not_yet("rollback")))
    }
}

flowdb_plugin_sdk::export_plugin!({Type}Dialect);
"#;

const README: &str = r#"# {crate}

The {name} dialect for flowdb, from `flowdb plugins new {name}`.

```bash
cargo build                                   # the library and target/debug/{name}.flowdb-plugin.toml
flowdb plugins verify target/debug/{name}.flowdb-plugin.toml              # load checks
flowdb plugins verify target/debug/{name}.flowdb-plugin.toml --url {name}://…   # the whole suite
```

Install by copying the library and the manifest into a plugin directory (`~/.flowdb/plugins`,
or one named by `FLOWDB_PLUGIN_PATH`); `flowdb plugins list` shows whether it loaded and why not.
The SDK's crate documentation walks through the three tiers.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_types() {
        assert_eq!(type_name("mydb"), "Mydb");
        assert_eq!(type_name("my-db2"), "MyDb2");
        assert!(check_name("Bad").is_err());
        assert!(check_name("9db").is_err());
        assert!(check_name("db-").is_err());
        assert!(check_name("").is_err());
        assert!(check_name("my db").is_err());
        assert!(check_name("mariadb-2").is_ok());
    }
}
