//! Writes the plugin's manifest beside the built library.

fn main() {
    flowdb_plugin_build::write_manifest("flowdb-plugin.toml");
}
