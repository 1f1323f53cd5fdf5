//! Tier 2: the MySQL pieces of the standard query components and its SQL templates
//! (`sql/mysql/`, embedded at build time).
//!
//! Storage, as the migrations lay it out: timestamps are `DATETIME(6)` in UTC, so date
//! arithmetic is `TIMESTAMPADD`/`TIMESTAMPDIFF` in microseconds; an interval is a `BIGINT` of
//! microseconds, so adding intervals is adding integers; JSON is text (MariaDB's `JSON` is
//! `LONGTEXT` with a check), read with the `JSON_*` functions MariaDB 10.6 and MySQL 8.0 share.
//! A list binds as one JSON array (see `types.rs`), read with `JSON_TABLE`.

use std::path::Path;

use flowdb_plugin_sdk::abi::{ConnectOptions, UnitOfWork, Value};
use flowdb_plugin_sdk::error::{Error, ErrorExt as _};
use flowdb_plugin_sdk::queries::{Arguments, NamedSql, SqlDialect, StandardQueries, Templates};
use flowdb_plugin_sdk::{DialectQueries, Result};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// MySQL's SQL for the standard components.
pub struct MySqlQueries {
    templates: Templates,
}

impl MySqlQueries {
    /// The components, with templates overridden from `override_dir` if given.
    pub fn new(override_dir: Option<&Path>) -> Result<MySqlQueries> {
        Ok(MySqlQueries {
            templates: Templates::new(TEMPLATES, override_dir)?,
        })
    }
}

/// Tier 2 for an interface configured by `options`.
pub(crate) fn query_components(options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
    let dir = flowdb_plugin_sdk::queries::template_dir(options);
    Ok(Box::new(StandardQueries::new(MySqlQueries::new(
        dir.as_deref(),
    )?)))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

/// The rows of the JSON array bound at `param`, as a derived table `alias` with the column
/// `value`, and the condition that keeps only whole items. `VARCHAR(255)`: every column a list
/// is compared with is at most that long (ids, names, state types, keys), and a longer column
/// here costs the semi-join its index on the list (a read filtered by state type took six
/// times as long with `VARCHAR(1024)`). `JSON_TABLE` cuts a longer item to 255 characters
/// without an error, and the cut item could then equal a stored value, so an item is kept
/// only when its whole text is no longer.
fn list_table(param: &str, alias: &str) -> (String, String) {
    (
        format!(
            "JSON_TABLE({param}, '$[*]' COLUMNS (value VARCHAR(255) PATH '$', whole LONGTEXT PATH '$')) AS {alias}"
        ),
        format!("CHAR_LENGTH({alias}.whole) <= 255"),
    )
}

/// The value at `path` of the JSON `document`, as text, SQL NULL for a JSON null (as
/// PostgreSQL's `->>` and SQLite's `json_extract` give it; MySQL's `JSON_UNQUOTE` would give
/// the text `null`).
fn json_text(document: &str, path: &str) -> String {
    let found = format!("JSON_EXTRACT({document}, {path})");
    format!("(CASE WHEN JSON_TYPE({found}) = 'NULL' THEN NULL ELSE JSON_UNQUOTE({found}) END)")
}

impl SqlDialect for MySqlQueries {
    const NAME: &'static str = "mysql";
    /// A prepared statement's limit on placeholders.
    const MAX_BIND_PARAMETERS: i64 = 65_535;
    const USES_JSON_STRINGS: bool = true;
    /// MySQL's `ORDER BY` has no `NULLS FIRST/LAST` (its NULLs sort first ascending).
    const NULLS_ORDERING: bool = false;
    /// InnoDB checks a foreign key as each row is written.
    const DEFERRED_FOREIGN_KEYS: bool = false;
    /// The `ENUM` column `state_type` compared with a bound list is compared as text, which
    /// the index on it cannot serve.
    const STATE_TYPE_LISTS_AS_LITERALS: bool = true;

    fn templates(&self) -> &Templates {
        &self.templates
    }

    /// `JSON_EXTRACT(…, '$')` parses text as JSON on both servers (MariaDB has no
    /// `CAST(… AS JSON)`).
    fn cast_to_json(&self, expr: &str) -> String {
        format!("JSON_EXTRACT({expr}, '$')")
    }

    fn json_arr_agg(&self, expr: &str) -> String {
        format!("JSON_ARRAYAGG({expr})")
    }

    fn build_json_object(&self, pairs: &[(&str, &str)]) -> String {
        let items: Vec<String> = pairs
            .iter()
            .map(|(key, expr)| format!("{}, {expr}", quote(key)))
            .collect();
        format!("JSON_OBJECT({})", items.join(", "))
    }

    fn json_extract_text(&self, document: &str, key: &str) -> String {
        let path = format!("$.\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""));
        json_text(document, &quote(&path))
    }

    /// A semi-join on the list's rows, which the optimizer can drive from the list into
    /// the column's index.
    fn in_list(&self, expr: &str, param: &str) -> String {
        let (table, whole) = list_table(param, "flowdb_list");
        format!("{expr} IN (SELECT flowdb_list.value FROM {table} WHERE {whole})")
    }

    /// Every text of the list is in the array: `JSON_CONTAINS` with the list as the candidate
    /// (an empty list is contained in anything, as PostgreSQL's `?&` of an empty array holds).
    fn json_array_has_all(&self, document: &str, param: &str) -> String {
        format!("JSON_CONTAINS({document}, {param})")
    }

    /// One text of the list is in the array, or is a key of the object (PostgreSQL's `?|`).
    /// (MariaDB before 10.9 has no `JSON_OVERLAPS`.)
    fn json_array_has_any(&self, document: &str, param: &str) -> String {
        let (table, whole) = list_table(param, "wanted");
        format!(
            "EXISTS (SELECT 1 FROM {table} WHERE {whole} AND JSON_CONTAINS(\
             CASE WHEN JSON_TYPE({document}) = 'OBJECT' THEN JSON_KEYS({document}) ELSE {document} END, \
             JSON_QUOTE(wanted.value)))"
        )
    }

    /// MySQL's `GREATEST` is NULL if either is, as SQLite's scalar `max` (Prefect's SQLite
    /// reference) is.
    fn greatest(&self, a: &str, b: &str) -> String {
        format!("GREATEST({a}, {b})")
    }

    fn date_add(&self, dt: &str, iv: &str) -> String {
        format!("TIMESTAMPADD(MICROSECOND, {iv}, {dt})")
    }

    fn interval_add(&self, i1: &str, i2: &str) -> String {
        format!("({i1} + {i2})")
    }

    fn date_diff(&self, d1: &str, d2: &str) -> String {
        format!("TIMESTAMPDIFF(MICROSECOND, {d2}, {d1})")
    }

    /// A double: dividing by the float `1e6` (dividing by an integer would give a `DECIMAL`
    /// rounded to four places).
    fn date_diff_seconds(&self, d1: &str, d2: &str) -> String {
        format!("({} / 1e6)", self.date_diff(d1, d2))
    }

    /// Seconds with the microseconds kept, as PostgreSQL's `EXTRACT(epoch …)` gives them.
    fn interval_epoch(&self, iv: &str) -> String {
        format!("({iv} / 1e6)")
    }

    fn zero_interval(&self) -> &'static str {
        "0"
    }

    /// Databases are made `utf8mb4_bin`, whose `LIKE` tells cases apart, so both sides are
    /// lowered.
    fn ilike_contains(&self, expr: &str, param: &str) -> String {
        format!("LOWER({expr}) LIKE LOWER(CONCAT('%', {param}, '%'))")
    }

    fn for_update(&self, skip_locked: bool) -> &'static str {
        if skip_locked {
            "FOR UPDATE SKIP LOCKED"
        } else {
            "FOR UPDATE"
        }
    }

    /// In whole microseconds, floored: `TIMESTAMPDIFF` is exact, and integer `DIV` of the
    /// difference less its (non-negative) remainder floors below the start too. (`/` would
    /// give a `DECIMAL` rounded to four places, which can round up across a bucket's edge.)
    fn bucket_index(&self, timestamp: &str, start_param: &str, interval_micros: i64) -> String {
        let elapsed = self.date_diff(timestamp, start_param);
        format!(
            "(({elapsed} - MOD(MOD({elapsed}, {interval_micros}) + {interval_micros}, {interval_micros})) DIV {interval_micros})"
        )
    }

    /// The text's JSON form is not kept (MySQL 8 normalises JSON), so the array is tested as
    /// an array.
    fn json_equals_empty_array(&self, document: &str, equal: bool) -> String {
        let empty = format!("(JSON_TYPE({document}) = 'ARRAY' AND JSON_LENGTH({document}) = 0)");
        if equal { empty } else { format!("NOT {empty}") }
    }

    /// MySQL has no `LIMIT ALL`; its manual's "no limit" is the largest unsigned 64-bit
    /// number.
    fn no_limit(&self) -> &'static str {
        "18446744073709551615"
    }

    /// The runs by primary key, each joined to its new state: the runs' ids written out one
    /// placeholder each (a statement per 30,000 runs, under MySQL's 65,535 placeholders), the
    /// states' bound as one list. MariaDB before 11.1 plans the SDK's single-table
    /// `UPDATE … WHERE id IN (subquery)` as a scan of every run, and a join driven from a
    /// `JSON_TABLE` may still scan `flow_run` on a small table: either way an `UPDATE` then
    /// locks other creators' new runs, and concurrent creators deadlock (seen in the bench's
    /// soak). A list of literals is a primary-key range: only these runs are locked.
    fn set_state_id_on_inserted_flow_runs(&self, args: &Arguments) -> Result<UnitOfWork> {
        const RUNS_PER_STATEMENT: usize = 30_000;
        let runs = args.required("inserted_flow_run_ids", Arguments::uuid_list)?;
        let states = args
            .get("insert_flow_run_states")
            .cloned()
            .ok_or_else(|| args.missing("insert_flow_run_states"))?;
        let mut statements = Vec::new();
        for chunk in runs.chunks(RUNS_PER_STATEMENT) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|index| format!(":run{index}"))
                .collect();
            let sql = format!(
                "UPDATE flow_run JOIN flow_run_state ON flow_run_state.flow_run_id = flow_run.id \
                 SET flow_run.state_id = flow_run_state.id \
                 WHERE flow_run.id IN ({}) AND {}",
                placeholders.join(", "),
                self.in_list("flow_run_state.id", ":states"),
            );
            let compiled = NamedSql::compile(&sql).map_err(Error::internal)?;
            statements.push(compiled.bind(|name| match name {
                "states" => Some(states.clone()),
                _ => {
                    let index = name.strip_prefix("run")?.parse::<usize>().ok()?;
                    chunk.get(index).map(|id| Value::Uuid(*id))
                }
            })?);
        }
        Ok(UnitOfWork {
            statements: statements.into(),
            with_for_update: false,
            independent: false,
        })
    }

    /// `ON DUPLICATE KEY UPDATE`, which fires on a conflict with any unique key of the table,
    /// not only the one named (MySQL cannot name one). Keeping the stored row assigns a
    /// conflict column to itself, a change of nothing. With `RETURNING` (MariaDB), a kept row
    /// comes back as stored, where PostgreSQL returns nothing for it: a caller that needs to
    /// know tells the stored row by its id.
    fn on_conflict(&self, conflict: &[String], update: Option<&[String]>) -> String {
        let assignments: Vec<String> = match update {
            None => conflict
                .iter()
                .take(1)
                .map(|column| format!("{column} = {column}"))
                .collect(),
            Some(columns) => columns
                .iter()
                .map(|column| format!("{column} = VALUES({column})"))
                .collect(),
        };
        format!(" ON DUPLICATE KEY UPDATE {}", assignments.join(", "))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn queries() -> MySqlQueries {
        MySqlQueries::new(None).unwrap()
    }

    #[test]
    fn conflicts_become_on_duplicate_key_update() {
        let key = ["\"name\"".to_owned()];
        assert_eq!(
            queries().on_conflict(&key, None),
            " ON DUPLICATE KEY UPDATE \"name\" = \"name\""
        );
        assert_eq!(
            queries().on_conflict(&key, Some(&["\"a\"".to_owned(), "\"b\"".to_owned()])),
            " ON DUPLICATE KEY UPDATE \"a\" = VALUES(\"a\"), \"b\" = VALUES(\"b\")"
        );
    }

    #[test]
    fn json_keys_are_quoted_inside_the_path() {
        let sql = queries().json_extract_text("doc", "it's \"x\"");
        // The JSON path escapes the quotes; the literal then doubles the backslashes, which
        // sessions read as escapes (they drop NO_BACKSLASH_ESCAPES).
        assert!(sql.contains(r#"'$."it''s \\"x\\""'"#), "{sql}");
    }
}
