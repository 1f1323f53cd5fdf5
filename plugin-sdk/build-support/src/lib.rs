//! Build-script helpers for flowdb plugins, with no dependencies so that build scripts stay
//! cheap.
//!
//! A plugin's `build.rs` calls, in its `main`:
//!
//! ```no_run
//! // Writes <name>.flowdb-plugin.toml next to the built library, from flowdb-plugin.toml.
//! flowdb_plugin_build::write_manifest("flowdb-plugin.toml");
//! // Embeds ../../migrations/sqlite/*.up.sql and *.down.sql as `$OUT_DIR/migrations.rs`.
//! flowdb_plugin_build::embed_migrations("../../migrations/sqlite");
//! ```
//!
//! and in the plugin, `include!(concat!(env!("OUT_DIR"), "/migrations.rs"));` defines
//! `MIGRATIONS: &[(&str, &str, &str, &str)]` — version, name, up SQL, down SQL — in version
//! order.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn env(key: &str) -> Result<String, String> {
    std::env::var(key)
        .map_err(|_| format!("{key} is not set (is this running from a build script?)"))
}

/// Copies the manifest template next to the library cargo builds, adding `version`,
/// `sdk_version`, `contract_version` and `library`, so that `target/<profile>/` is a ready
/// plugin directory.
///
/// Writing outside `OUT_DIR` is unusual for a build script; it is the one step that turns a
/// plain `cargo build` into a loadable plugin layout, and it writes only this one file. A
/// failure is reported as a cargo warning: the library itself still builds.
pub fn write_manifest(template: &str) {
    println!("cargo::rerun-if-changed={template}");
    if let Err(err) = try_write_manifest(Path::new(template)) {
        println!("cargo::warning=could not write the plugin manifest: {err}");
    }
}

/// The contract version of the SDK this crate is released with
/// (`flowdb_abi::CONTRACT_VERSION`; a build script cannot depend on the contract crate cheaply,
/// so it is written here too, and core's tests check that the manifests cargo builds carry the
/// contract's own value).
pub const CONTRACT_VERSION: &str = "0.2.2";

fn try_write_manifest(template_path: &Path) -> Result<(), String> {
    let out_dir = PathBuf::from(env("OUT_DIR")?);
    // OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out.
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .ok_or_else(|| format!("unexpected OUT_DIR layout: {}", out_dir.display()))?;
    let template = std::fs::read_to_string(template_path)
        .map_err(|err| format!("{}: {err}", template_path.display()))?;
    let crate_name = env("CARGO_PKG_NAME")?.replace('-', "_");
    let library = format!(
        "{}{crate_name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let name = template
        .lines()
        .find_map(|line| line.strip_prefix("name = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .ok_or("the template has no `name = \"…\"` line")?;
    let manifest = format!(
        "{template}version = \"{version}\"\nsdk_version = \"{sdk}\"\ncontract_version = \"{CONTRACT_VERSION}\"\nlibrary = \"{library}\"\n",
        version = env("CARGO_PKG_VERSION")?,
        // This crate is released in lockstep with flowdb-plugin-sdk: its version is the SDK's.
        sdk = env!("CARGO_PKG_VERSION"),
    );
    let path = profile_dir.join(format!("{name}.flowdb-plugin.toml"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&path, manifest).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    Ok(())
}

/// Generates `$OUT_DIR/migrations.rs` with every `<version>_<name>.up.sql` (and its
/// `.down.sql`) in `dir`, in version order. The version is 14 digits, `yyyymmddhhmmss`; the
/// name is lowercase letters, digits and `_`. A malformed or unpaired file fails the build
/// with a message naming it.
pub fn embed_migrations(dir: &str) {
    println!("cargo::rerun-if-changed={dir}");
    match try_embed_migrations(Path::new(dir)) {
        Ok(()) => {}
        Err(err) => {
            println!("cargo::error={err}");
        }
    }
}

fn try_embed_migrations(dir: &Path) -> Result<(), String> {
    let dir = dir
        .canonicalize()
        .map_err(|err| format!("migrations directory {}: {err}", dir.display()))?;
    let mut migrations = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|err| err.to_string())?.path();
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        if !file.ends_with(".sql") {
            continue;
        }
        let Some(stem) = file.strip_suffix(".up.sql") else {
            if file.ends_with(".down.sql") {
                continue;
            }
            return Err(format!(
                "{}: migration files end in .up.sql or .down.sql",
                path.display()
            ));
        };
        let (version, name) = stem.split_once('_').ok_or_else(|| {
            format!(
                "{}: expected <14-digit version>_<name>.up.sql",
                path.display()
            )
        })?;
        if version.len() != 14 || !version.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{}: the version `{version}` is not 14 digits (yyyymmddhhmmss)",
                path.display()
            ));
        }
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!(
                "{}: the name `{name}` must be lowercase letters, digits and _",
                path.display()
            ));
        }
        let down = dir.join(format!("{stem}.down.sql"));
        if !down.is_file() {
            return Err(format!(
                "{}: has no {} (every migration must be reversible)",
                path.display(),
                down.display()
            ));
        }
        migrations.push((version.to_owned(), name.to_owned(), path, down));
    }
    migrations.sort();
    if let Some(pair) = migrations.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(format!(
            "two migrations share the version {}: {} and {}",
            pair[0].0, pair[0].1, pair[1].1
        ));
    }
    let mut code = String::from(
        "/// The embedded migrations: version, name, up SQL, down SQL.\npub(crate) const MIGRATIONS: &[(&str, &str, &str, &str)] = &[\n",
    );
    for (version, name, up, down) in &migrations {
        let _ = writeln!(
            code,
            "    ({version:?}, {name:?}, include_str!({:?}), include_str!({:?})),",
            up.display().to_string(),
            down.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(env("OUT_DIR")?).join("migrations.rs");
    std::fs::write(&out, code).map_err(|err| format!("{}: {err}", out.display()))
}

/// Generates `$OUT_DIR/templates.rs` with every `*.sql.jinja` file in `dir` (the dialect's
/// folder under `sql/`), in name order. In the plugin,
/// `include!(concat!(env!("OUT_DIR"), "/templates.rs"));` defines
/// `TEMPLATES: &[(&str, &str)]` — file name, source — for `flowdb_plugin_sdk::queries::Templates`.
/// A missing directory fails the build with a message naming it.
pub fn embed_templates(dir: &str) {
    println!("cargo::rerun-if-changed={dir}");
    if let Err(err) = try_embed_templates(Path::new(dir)) {
        println!("cargo::error={err}");
    }
}

fn try_embed_templates(dir: &Path) -> Result<(), String> {
    let dir = dir
        .canonicalize()
        .map_err(|err| format!("SQL template directory {}: {err}", dir.display()))?;
    let mut templates = Vec::new();
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|err| err.to_string())?.path();
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        if file.ends_with(".sql.jinja") {
            println!("cargo::rerun-if-changed={}", path.display());
            templates.push((file, path));
        }
    }
    templates.sort();
    let mut code = String::from(
        "/// The embedded SQL templates: file name, source.\npub(crate) const TEMPLATES: &[(&str, &str)] = &[\n",
    );
    for (file, path) in &templates {
        let _ = writeln!(
            code,
            "    ({file:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(env("OUT_DIR")?).join("templates.rs");
    std::fs::write(&out, code).map_err(|err| format!("{}: {err}", out.display()))
}
