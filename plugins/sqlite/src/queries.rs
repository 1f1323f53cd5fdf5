//! Tier 2: the SQLite pieces of the standard query components and its SQL templates
//! (`sql/sqlite/`, embedded at build time).
//!
//! SQLite keeps timestamps as naive-UTC text and an interval as the datetime that far after the
//! Unix epoch (Prefect's encodings), so date arithmetic goes through `julianday`, and results
//! are written back with Prefect's `strftime('%Y-%m-%d %H:%M:%f000', …)`. Lists bind as one
//! JSON array, read with `json_each`.

use std::path::Path;

use flowdb_plugin_sdk::abi::ConnectOptions;
use flowdb_plugin_sdk::queries::{SqlDialect, StandardQueries, Templates};
use flowdb_plugin_sdk::{DialectQueries, Result};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The Julian day of the Unix epoch: `julianday(interval) - EPOCH_JULIAN_DAY` is an interval's
/// length in days.
const EPOCH_JULIAN_DAY: &str = "2440587.5";

/// Prefect's timestamp text format on SQLite.
const TIMESTAMP_FORMAT: &str = "'%Y-%m-%d %H:%M:%f000'";

/// SQLite's SQL for the standard components.
pub struct SqliteQueries {
    templates: Templates,
}

impl SqliteQueries {
    /// The components, with templates overridden from `override_dir` if given.
    pub fn new(override_dir: Option<&Path>) -> Result<SqliteQueries> {
        Ok(SqliteQueries {
            templates: Templates::new(TEMPLATES, override_dir)?,
        })
    }
}

/// Tier 2 for an interface configured by `options`.
pub(crate) fn query_components(options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
    let dir = flowdb_plugin_sdk::queries::template_dir(options);
    Ok(Box::new(StandardQueries::new(SqliteQueries::new(
        dir.as_deref(),
    )?)))
}

/// Microseconds since the epoch of a timestamp (or interval) in Prefect's text form
/// `YYYY-MM-DD HH:MM:SS[.ffffff]`: whole seconds through `julianday` (exact once rounded), the
/// fraction read as digits.
fn micros(text: &str) -> String {
    format!(
        "(CAST(round((julianday(substr({text}, 1, 19)) - {EPOCH_JULIAN_DAY}) * 86400.0) AS INTEGER) * 1000000 \
          + CAST(substr({text} || '.000000', 21, 6) AS INTEGER))"
    )
}

/// Prefect's text form of `micros` microseconds since the epoch (flooring, so that times
/// before 1970 read back right).
fn from_micros(micros: &str) -> String {
    let fraction = format!("((({micros}) % 1000000 + 1000000) % 1000000)");
    format!(
        "(strftime('%Y-%m-%d %H:%M:%S', (({micros}) - {fraction}) / 1000000, 'unixepoch') \
          || '.' || printf('%06d', {fraction}))"
    )
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl SqlDialect for SqliteQueries {
    const NAME: &'static str = "sqlite";
    /// SQLite's historical default `SQLITE_MAX_VARIABLE_NUMBER`, which Prefect keeps to.
    const MAX_BIND_PARAMETERS: i64 = 999;
    const USES_JSON_STRINGS: bool = true;

    fn templates(&self) -> &Templates {
        &self.templates
    }

    fn cast_to_json(&self, expr: &str) -> String {
        format!("json({expr})")
    }

    fn json_arr_agg(&self, expr: &str) -> String {
        format!("json_group_array({expr})")
    }

    fn build_json_object(&self, pairs: &[(&str, &str)]) -> String {
        let items: Vec<String> = pairs
            .iter()
            .map(|(key, expr)| format!("{}, {expr}", quote(key)))
            .collect();
        format!("json_object({})", items.join(", "))
    }

    fn json_extract_text(&self, document: &str, key: &str) -> String {
        let path = format!("$.\"{}\"", key.replace('"', "\\\""));
        format!("json_extract({document}, {})", quote(&path))
    }

    fn in_list(&self, expr: &str, param: &str) -> String {
        format!("{expr} IN (SELECT value FROM json_each({param}))")
    }

    /// How Prefect compiles JSONB `?&` for SQLite: the distinct matches are at least as many
    /// as the list's distinct items.
    fn json_array_has_all(&self, document: &str, param: &str) -> String {
        format!(
            "((SELECT count(DISTINCT have.value) FROM json_each({document}) AS have \
               JOIN json_each({param}) AS wanted ON have.value = wanted.value) \
              >= (SELECT count(DISTINCT wanted.value) FROM json_each({param}) AS wanted))"
        )
    }

    /// How Prefect compiles JSONB `?|` for SQLite (an object's keys, an array's values).
    fn json_array_has_any(&self, document: &str, param: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM json_each({document}) AS have, json_each({param}) AS wanted \
             WHERE CASE WHEN (json_type({document}) = 'object') THEN have.\"key\" ELSE have.value END = wanted.value)"
        )
    }

    fn greatest(&self, a: &str, b: &str) -> String {
        format!("max({a}, {b})")
    }

    fn date_add(&self, dt: &str, iv: &str) -> String {
        format!(
            "strftime({TIMESTAMP_FORMAT}, julianday({dt}) + (julianday({iv}) - {EPOCH_JULIAN_DAY}))"
        )
    }

    fn interval_add(&self, i1: &str, i2: &str) -> String {
        format!(
            "strftime({TIMESTAMP_FORMAT}, {EPOCH_JULIAN_DAY} + (julianday({i1}) - {EPOCH_JULIAN_DAY}) + (julianday({i2}) - {EPOCH_JULIAN_DAY}))"
        )
    }

    fn date_diff(&self, d1: &str, d2: &str) -> String {
        format!(
            "strftime({TIMESTAMP_FORMAT}, {EPOCH_JULIAN_DAY} + (julianday({d1}) - julianday({d2})))"
        )
    }

    /// In whole microseconds: `julianday` keeps milliseconds only, and Prefect adds the
    /// run's time in Python, to the microsecond.
    fn interval_add_elapsed_exact(&self, interval: &str, later: &str, earlier: &str) -> String {
        from_micros(&format!(
            "({} + {} - {})",
            micros(interval),
            micros(later),
            micros(earlier)
        ))
    }

    fn date_diff_seconds(&self, d1: &str, d2: &str) -> String {
        format!("((julianday({d1}) - julianday({d2})) * 86400.0)")
    }

    /// `EXTRACT(epoch FROM iv)` as SQLAlchemy compiles it for SQLite,
    /// `CAST(STRFTIME('%s', iv) AS INTEGER)`: whole seconds. `unixepoch` computes exactly that
    /// number (both take the parsed time's milliseconds, divide by 1,000 and subtract the
    /// epoch) without printing it and parsing the text back.
    fn interval_epoch(&self, iv: &str) -> String {
        format!("unixepoch({iv})")
    }

    /// Prefect's SQL writes the interval out (`strftime` of a Julian day) and `EXTRACT` parses
    /// it back; `unixepoch` of the same Julian day rounds it to the millisecond just as the
    /// printing does and gives the same whole seconds, for a third of the work per run.
    fn date_diff_epoch(&self, d1: &str, d2: &str) -> String {
        format!("unixepoch({EPOCH_JULIAN_DAY} + (julianday({d1}) - julianday({d2})))")
    }

    /// As [`date_diff_epoch`](Self::date_diff_epoch); `julianday` of a Julian day rounds it to
    /// the millisecond, as writing it out and reading it back does.
    fn interval_add_diff_epoch(&self, iv: &str, d1: &str, d2: &str) -> String {
        format!(
            "unixepoch({EPOCH_JULIAN_DAY} + (julianday({iv}) - {EPOCH_JULIAN_DAY}) \
             + (julianday({EPOCH_JULIAN_DAY} + (julianday({d1}) - julianday({d2}))) - {EPOCH_JULIAN_DAY}))"
        )
    }

    fn zero_interval(&self) -> &'static str {
        "'1970-01-01 00:00:00.000000'"
    }

    fn ilike_contains(&self, expr: &str, param: &str) -> String {
        format!("lower({expr}) LIKE lower('%' || {param} || '%')")
    }

    /// Rounded to SQLite's millisecond precision first, as Prefect does: julianday arithmetic
    /// is off by a few microseconds, which would put a run on a bucket boundary in the
    /// bucket before. Prefect's `round(seconds, 3)` prints the number and parses it back (a
    /// sixth of the history query's time); both timestamps are whole milliseconds, so rounding
    /// the difference to whole milliseconds and dividing by 1,000 gives the same double.
    fn bucket_index(&self, timestamp: &str, start_param: &str, interval_micros: i64) -> String {
        format!(
            "CAST(floor((round((julianday({timestamp}) - julianday({start_param})) * 86400000.0) \
             / 1000.0) / ({:?} + 0.0)) AS INTEGER)",
            interval_micros as f64 / 1_000_000.0
        )
    }

    /// No row locks: a `with_for_update` transaction is `BEGIN IMMEDIATE`, which holds the
    /// database's write lock from its start.
    fn for_update(&self, _skip_locked: bool) -> &'static str {
        ""
    }

    fn row_key(&self) -> Option<&'static str> {
        Some("rowid")
    }
}
