//! # Writing a dialect plugin: from an empty crate to a verified plugin
//!
//! This guide walks a third party through a new SQL dialect for flowdb, in a crate of their
//! own, with this SDK alone. `plugins/mysql` in flowdb's repository was written this way and is
//! the worked example; `plugins/postgres` and `plugins/sqlite` are complete dialects.
//!
//! ## 1. The crate
//!
//! `flowdb plugins new mydb --path mydb` writes a crate that builds and loads as it is:
//!
//! ```text
//! mydb/
//!   Cargo.toml          crate-type = ["cdylib", "rlib"]; flowdb-plugin-sdk; flowdb-plugin-build
//!   build.rs            flowdb_plugin_build::write_manifest("flowdb-plugin.toml")
//!   flowdb-plugin.toml  the manifest template: name, schemes, capabilities
//!   src/lib.rs          a Dialect, a Pool and a Transaction that say "not written yet"
//! ```
//!
//! Nothing else of flowdb's is needed, nor abi_stable: the SDK re-exports the few types a
//! plugin touches (`RVec`, `RString`, `ROption` in the prelude).
//!
//! ## 2. The manifest
//!
//! The host never opens a library it has no manifest for. `build.rs` copies the template to
//! `target/<profile>/<name>.flowdb-plugin.toml`, beside the built library, adding `version`,
//! `sdk_version`, `contract_version` and `library`. The manifest's `name`, `schemes` and
//! `capabilities` must be the ones the code declares ([`Dialect::NAME`](crate::Dialect::NAME),
//! [`URL_SCHEMES`](crate::Dialect::URL_SCHEMES), [`CAPABILITIES`](crate::Dialect::CAPABILITIES)):
//! once the library is loaded, the host compares them field by field and refuses a plugin
//! whose manifest says otherwise. The file must be named `<name>.flowdb-plugin.toml`; a library
//! no manifest names, or a manifest under another name, is listed by `flowdb plugins list` as
//! `ignored:` with the fix.
//!
//! ## 3. Tier 1: pools and transactions
//!
//! Implement [`Dialect`](crate::Dialect) (connect; optionally create and drop a database),
//! [`Pool`](crate::Pool) (statements in autocommit, `begin`, `server_info`, `status`) and
//! [`Transaction`](crate::Transaction), then name the dialect in
//! [`export_plugin!`](crate::export_plugin). The contract's SQL, from the host and from tier 2,
//! numbers its placeholders `$1`, `$2`, … (`$n` is `params[n - 1]`, and may appear twice) and
//! quotes identifiers with double quotes: a database that spells them otherwise rewrites them
//! (MySQL: `?` placeholders, and `ANSI_QUOTES` in the session). Typed reads
//! (`Select::<Model>`) are written by sea-query's PostgreSQL builder; their sorts spell out
//! `NULLS FIRST`/`NULLS LAST` unless tier 2 says the dialect has no such clause
//! ([`SqlDialect::NULLS_ORDERING`](crate::queries::SqlDialect::NULLS_ORDERING)), when they sort
//! on `column IS NULL` first instead.
//!
//! Values cross as [`abi::Value`](crate::abi::Value): map each kind to a column type the
//! dialect has and back (a UUID may be text, a timestamp is microseconds since the epoch in
//! UTC, an interval microseconds, a list one value the SQL can expand). Read each result column
//! by its type, so that a table's columns come back typed.
//!
//! Every future is polled inside the plugin's own runtime ([`runtime`](crate::runtime)), so a
//! driver that needs tokio finds it; futures must be `'static` (clone the pool handle into
//! them). The host may drop a future at any point: a timeout cancels a query by dropping it.
//!
//! ## 4. Errors
//!
//! Return [`Error`](crate::Error) with the right [`ErrorKind`](crate::abi::ErrorKind):
//! `CONSTRAINT_VIOLATION` for duplicate keys and foreign keys, `SERIALIZATION` for deadlocks and
//! lock timeouts, `CONNECTION`, `TIMEOUT`, `DATABASE` for the rest of what the server refuses,
//! `INVALID_ARGUMENT` for a bad URL or option, `UNSUPPORTED` for what the dialect does not do.
//! Keep the server's code: [`with_sqlstate`](crate::abi::PluginError::with_sqlstate) and
//! [`with_vendor_code`](crate::abi::PluginError::with_vendor_code). A panic anywhere in the plugin
//! becomes a `PANIC` error and poisons the plugin (later calls fail with `POISONED`); the host
//! lives on. Logs from `tracing` or `log` reach the host's subscriber (a dialect built into a host shares the host's `tracing` and `log`: its `log` records reach the subscriber only if the host bridges `log` to `tracing`, as `tracing-log` does).
//!
//! ## 5. Tier 3: migrations
//!
//! Return a [`DialectOrm`](crate::DialectOrm) from
//! [`Dialect::orm_configuration`](crate::Dialect::orm_configuration): the migration set that
//! builds Prefect's schema in the dialect's types (`flowdb_plugin_build::embed_migrations` embeds
//! a directory of `<version>_<name>.up.sql` / `.down.sql`), Prefect's upsert columns
//! ([`orm::prefect_upsert_columns`](crate::orm::prefect_upsert_columns)), and a migration lock
//! if the database needs one. Implement [`Pool::schema_snapshot`](crate::Pool::schema_snapshot)
//! ([`schema`](crate::schema) gives the line format) so that `flowdb database check` can compare
//! the live schema with the migrations and the host's models.
//!
//! ## 6. Tier 2: query components
//!
//! Return [`StandardQueries`](crate::queries::StandardQueries) over your
//! [`SqlDialect`](crate::queries::SqlDialect) from
//! [`Dialect::query_components`](crate::Dialect::query_components): the SDK writes every
//! standard component (inserts and upserts, the flow-run filter, state changes, history) from
//! the dialect's pieces — JSON helpers, date arithmetic, `FOR UPDATE [SKIP LOCKED]`, list
//! expansion, the clause that settles an insert's conflict
//! ([`on_conflict`](crate::queries::SqlDialect::on_conflict)) — and the dialect's SQL templates (`Templates`, embedded by
//! `flowdb_plugin_build::embed_templates`) for the worker polls and the run graph. An operator
//! may override a template from a directory (`sql_template_dir`); the SDK checks the override
//! against the database when a pool opens. Two constants tell the host how the database
//! behaves: [`NULLS_ORDERING`](crate::queries::SqlDialect::NULLS_ORDERING) and
//! [`DEFERRED_FOREIGN_KEYS`](crate::queries::SqlDialect::DEFERRED_FOREIGN_KEYS) (false where
//! each row's foreign keys are checked as it is written, as in MySQL: the host then inserts a
//! run and its first state in three steps). `plugins/mysql` is a dialect written this way from
//! the SDK alone: its `queries.rs` and `sql/mysql` are the pieces for a database that shares
//! little of PostgreSQL's syntax.
//!
//! ## 7. What the host sends, and which commands need which tier
//!
//! | host | tier | SQL |
//! |---|---|---|
//! | `flowdb database ping`, `DbInterface::session` | 1 | `server_info`, and whatever the caller runs |
//! | models (`insert`, `get`, `update`, `delete`, `list`) | 1 | the host's own portable SQL: `INSERT INTO "t" ("c", …) VALUES ($1, …)`, `SELECT … WHERE "id" = $1` |
//! | `Select::<Model>` typed reads | 1 and 2 | SQL built by the host (double-quoted names, `$n`), with tier 2's `for_update`, `in_list`, `json_has_*` fragments |
//! | `database upgrade / downgrade / current / stamp / reset` | 1 and 3 | the migrations' own SQL, and the bookkeeping table `flowdb_migrations` (`CREATE TABLE IF NOT EXISTS …`, `INSERT`, `DELETE`) |
//! | `database check` | 1 and 3 | `schema_snapshot`, in the database and in a scratch one it creates and drops |
//! | orchestration (`create_flow_runs`, polls, `set_flow_run_state`, history, graph), `query list / render / run` | 2 | the components' SQL |
//!
//! ## 8. Capabilities
//!
//! Declare what the dialect can do; the conformance suite checks each declaration it has a
//! check for and fails a plugin that claims what it cannot do: `create-database`,
//! `drop-database` (scratch databases for `database check` and the suite), `float-special`
//! (NaN, the infinities and -0.0 stored), `skip-locked` (a `SKIP LOCKED` read skips held rows),
//! `immediate-transactions` (a `with_for_update` transaction takes the write lock at `BEGIN`),
//! `statement-timeout` (the settings' timeout stops a statement with `TIMEOUT`; the suite
//! checks it with a SELECT, and MySQL's own covers nothing else). `file`,
//! `in-memory`, `server` and `tls` describe it.
//!
//! ## 9. Proving it: the conformance suite
//!
//! ```text
//! cargo build
//! flowdb plugins verify target/debug/mydb.flowdb-plugin.toml                 # load checks
//! flowdb plugins verify target/debug/mydb.flowdb-plugin.toml --url mydb://…  # the whole suite
//! flowdb plugins verify target/debug/mydb.flowdb-plugin.toml --url mydb://… --json
//! ```
//!
//! The suite loads the library as the host does, then checks every contract method against a
//! real database: round trips, transactions, units of work, error kinds, a 10,000-row fetch,
//! cancellation, futures polled outside tokio, panics (on a private copy of the library), a
//! second plugin loaded beside it, the migrations up, down and up against the models, every
//! value kind through Prefect's tables, and the hot path on generated data compared with the
//! SQLite dialect (install flowdb's sqlite plugin where the search finds it). Checks a
//! declaration rules out are skipped with the reason; the report ends with the dialect's
//! feature table. From the crate's own tests, with `flowdb` as a dev-dependency, call
//! `flowdb::verify::verify` (see the crate documentation's example).
//!
//! ## 10. Packaging
//!
//! Ship the library and its manifest together. The host searches, in order: `--plugin-path`,
//! `FLOWDB_PLUGIN_PATH` (absolute directories), the host executable's directory and its
//! `../lib/flowdb/plugins`, `~/.flowdb/plugins` (`$FLOWDB_HOME/plugins`), then
//! `/usr/local/lib/flowdb/plugins` and `/usr/lib/flowdb/plugins`. The files and their
//! directories must be writable by no one but their owner (root or the user flowdb runs as).
//! An operator may pin the library's SHA-256 in the configuration file.
//!
//! **Or built in.** With `crate-type = ["cdylib", "rlib"]` (what `plugins new` writes) the
//! same crate can be linked into a host's own binary, for a single-binary deployment: the host
//! lists the crate among its dependencies and names it once (`use mydb_plugin as _;`), and
//! [`export_plugin!`](crate::export_plugin)'s registration makes the dialect *built-in*. The
//! host reaches it through the same registry and URLs, `flowdb plugins list` shows it in the
//! `built-in` tier, and it serves its schemes ahead of every plugin file (a file claiming one
//! of them is listed as shadowed by it). Two built-in dialects that claim one scheme are
//! refused, naming both crates. A built-in dialect keeps its own runtime and poison flag, as a
//! library does; its `tracing` events go straight to the host's subscriber. flowdb's own
//! `flowdb-static` binary (`cargo build -p flowdb --features static-dialects`) is such a host,
//! and `flowdb-static plugins verify NAME --url URL` runs the suite on the built-in dialect;
//! the checks that load a second, private copy of a library are skipped there with the reason.
//!
//! A plugin library serves exactly one dialect. A crate that builds on another plugin crate
//! (reusing its pool) links that crate's registration too, and says which dialect its library
//! serves: `export_plugin!(MyDialect, supersedes: [TheirDialect])`.
//!
//! ## 11. Versions
//!
//! A host of contract `H` loads a plugin built against contract `P` when they share the major
//! version (the minor while it is 0) and `P` is not newer: rebuild against the host's SDK line
//! when the minor moves. An older compatible plugin only lacks what was added since: a newer
//! standard component it is asked for is `UNSUPPORTED`, naming it.
