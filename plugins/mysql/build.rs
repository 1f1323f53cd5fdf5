//! Writes the plugin's manifest beside the built library and embeds its migrations and SQL templates.

fn main() {
    flowdb_plugin_build::write_manifest("flowdb-plugin.toml");
    flowdb_plugin_build::embed_migrations("../../migrations/mysql");
    flowdb_plugin_build::embed_templates("../../sql/mysql");
}
