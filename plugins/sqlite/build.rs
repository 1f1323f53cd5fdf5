//! Writes the plugin's manifest next to the library cargo builds, so that `target/<profile>/`
//! is a ready plugin directory (the `flowdb` binary there finds it in its own directory).
//!
//! Writing outside `OUT_DIR` is unusual for a build script; it is the one step that turns a
//! plain `cargo build` into a loadable plugin layout, and it writes only this one file.

fn main() {
    if let Err(err) = write_manifest() {
        println!("cargo::warning=could not write the plugin manifest: {err}");
    }
    println!("cargo::rerun-if-changed=flowdb-plugin.toml");
    println!("cargo::rerun-if-changed=build.rs");
}

fn write_manifest() -> Result<(), String> {
    let env = |key: &str| std::env::var(key).map_err(|_| format!("{key} is not set"));
    let out_dir = std::path::PathBuf::from(env("OUT_DIR")?);
    // OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out.
    let profile_dir = out_dir
        .ancestors()
        .nth(3)
        .ok_or_else(|| format!("unexpected OUT_DIR layout: {}", out_dir.display()))?;
    let template = std::fs::read_to_string("flowdb-plugin.toml").map_err(|err| err.to_string())?;
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
        "{template}version = \"{version}\"\nsdk_version = \"{sdk}\"\nlibrary = \"{library}\"\n",
        version = env("CARGO_PKG_VERSION")?,
        sdk = env("CARGO_PKG_VERSION")?,
    );
    let path = profile_dir.join(format!("{name}.flowdb-plugin.toml"));
    if std::fs::read_to_string(&path).ok().as_deref() != Some(manifest.as_str()) {
        std::fs::write(&path, manifest).map_err(|err| format!("{}: {err}", path.display()))?;
    }
    Ok(())
}
