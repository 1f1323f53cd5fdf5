//! Tier 2: the PostgreSQL pieces of the standard query components, its SQL templates
//! (`sql/postgres/`, embedded at build time) and the components it writes its own way.

use std::path::Path;

use flowdb_plugin_sdk::abi::{ConnectOptions, UnitOfWork};
use flowdb_plugin_sdk::queries::{Arguments, SqlDialect, StandardQueries, Templates};
use flowdb_plugin_sdk::{DialectQueries, Result};

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// PostgreSQL's SQL for the standard components.
pub struct PgQueries {
    templates: Templates,
}

impl PgQueries {
    /// The components, with templates overridden from `override_dir` if given.
    pub fn new(override_dir: Option<&Path>) -> Result<PgQueries> {
        Ok(PgQueries {
            templates: Templates::new(TEMPLATES, override_dir)?,
        })
    }
}

/// Tier 2 for an interface configured by `options`.
pub(crate) fn query_components(options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
    let dir = flowdb_plugin_sdk::queries::template_dir(options);
    Ok(Box::new(StandardQueries::new(PgQueries::new(
        dir.as_deref(),
    )?)))
}

/// Microseconds as a float literal of seconds.
fn seconds_literal(micros: i64) -> String {
    format!("{:?}", micros as f64 / 1_000_000.0)
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl SqlDialect for PgQueries {
    const NAME: &'static str = "postgresql";
    const MAX_BIND_PARAMETERS: i64 = 32_767;
    const USES_JSON_STRINGS: bool = false;

    fn templates(&self) -> &Templates {
        &self.templates
    }

    fn cast_to_json(&self, expr: &str) -> String {
        expr.to_owned()
    }

    fn json_arr_agg(&self, expr: &str) -> String {
        format!("jsonb_agg({expr})")
    }

    fn build_json_object(&self, pairs: &[(&str, &str)]) -> String {
        let items: Vec<String> = pairs
            .iter()
            .map(|(key, expr)| format!("{}, {expr}", quote(key)))
            .collect();
        format!("jsonb_build_object({})", items.join(", "))
    }

    fn json_extract_text(&self, document: &str, key: &str) -> String {
        format!("({document} ->> {})", quote(key))
    }

    /// A list binds as one array parameter whose element type PostgreSQL infers from `expr`
    /// (uuid, text, an enum), so one statement serves any list length.
    fn in_list(&self, expr: &str, param: &str) -> String {
        format!("{expr} = ANY({param})")
    }

    fn json_array_has_all(&self, document: &str, param: &str) -> String {
        format!("{document} ?& CAST({param} AS text[])")
    }

    fn json_array_has_any(&self, document: &str, param: &str) -> String {
        format!("{document} ?| CAST({param} AS text[])")
    }

    fn greatest(&self, a: &str, b: &str) -> String {
        format!("greatest({a}, {b})")
    }

    fn date_add(&self, dt: &str, iv: &str) -> String {
        format!("({dt} + {iv})")
    }

    fn interval_add(&self, i1: &str, i2: &str) -> String {
        format!("({i1} + {i2})")
    }

    fn date_diff(&self, d1: &str, d2: &str) -> String {
        format!("({d1} - {d2})")
    }

    fn date_diff_seconds(&self, d1: &str, d2: &str) -> String {
        format!("EXTRACT(epoch FROM timezone('UTC', {d1}) - timezone('UTC', {d2}))")
    }

    /// A float, which reads as a number on both sides of the boundary, with the microseconds
    /// Prefect keeps. `date_part` computes it in floating point; `EXTRACT` (Prefect's) builds a
    /// `numeric` per run first, which made up most of the history query's time.
    fn interval_epoch(&self, iv: &str) -> String {
        format!("date_part('epoch', {iv})")
    }

    fn zero_interval(&self) -> &'static str {
        "CAST('0' AS interval)"
    }

    fn ilike_contains(&self, expr: &str, param: &str) -> String {
        format!("{expr} ILIKE '%' || {param} || '%'")
    }

    fn for_update(&self, skip_locked: bool) -> &'static str {
        if skip_locked {
            "FOR UPDATE SKIP LOCKED"
        } else {
            "FOR UPDATE"
        }
    }

    /// As Prefect compiles `make_timestamp_bucket_index` (the divisor a `real`), with the
    /// seconds taken by `date_part` in floating point instead of `EXTRACT`'s `numeric` (a
    /// quarter of the history query's server time over 4,000 runs). The same buckets: both
    /// subtract to the same interval, and `EXTRACT`'s exact seconds are rounded to a float
    /// before the division anyway. Under a day from the start both round once and agree
    /// exactly; past it `date_part` rounds twice and may be an ulp off (~1e-11 s at a day,
    /// ~1e-7 s at a century). That changes a bucket only for a time within an ulp of an edge
    /// and not on it; with intervals of whole seconds (a `real` holds them exactly) edges are
    /// whole seconds, exact in both, and every other time is a microsecond or more away.
    /// Checked on 900,000 times (random microseconds over 12 years, and every edge of 60 s,
    /// 0.3 s and 1.5 s grids) against intervals from 0.1 s to a week: no bucket differs. (With
    /// 1 µs intervals over years, 2 do; the history's 500-bucket cap keeps that span far away.)
    fn bucket_index(&self, timestamp: &str, start_param: &str, interval_micros: i64) -> String {
        format!(
            "CAST(floor({} / CAST({} AS REAL)) AS INTEGER)",
            self.interval_epoch(&format!(
                "({timestamp} - CAST({start_param} AS timestamptz))"
            )),
            seconds_literal(interval_micros)
        )
    }

    fn cast_text(&self, param: &str, sql_type: &str) -> String {
        format!("CAST({param} AS {sql_type})")
    }

    fn cast_list(&self, param: &str, sql_type: &str) -> String {
        format!("CAST({param} AS {sql_type}[])")
    }

    fn cast_json(&self, param: &str) -> String {
        format!("CAST({param} AS jsonb)")
    }

    fn json_equals_empty_array(&self, document: &str, equal: bool) -> String {
        format!(
            "{document} {} CAST('[]' AS jsonb)",
            if equal { "=" } else { "!=" }
        )
    }

    fn no_limit(&self) -> &'static str {
        "ALL"
    }

    /// PostgreSQL updates from a join (`UPDATE … FROM`), as Prefect's
    /// `AsyncPostgresQueryComponents` does.
    fn set_state_id_on_inserted_flow_runs(&self, args: &Arguments) -> Result<UnitOfWork> {
        flowdb_plugin_sdk::queries::single_write(
            "UPDATE flow_run SET state_id = flow_run_state.id \
             FROM flow_run_state \
             WHERE flow_run.id = ANY(:inserted_flow_run_ids) \
             AND flow_run_state.flow_run_id = flow_run.id \
             AND flow_run_state.id = ANY(:insert_flow_run_states)",
            args,
        )
    }

    /// One statement: lock the run (`FOR UPDATE`), insert the state if the run is in the
    /// expected state, point the run at it, and report. A single statement is atomic on its
    /// own, so the plugin runs it without `BEGIN`/`COMMIT`: one round trip.
    fn set_flow_run_state(&self, args: &Arguments) -> Result<UnitOfWork> {
        flowdb_plugin_sdk::queries::set_flow_run_state_single_statement(self, args)
    }
}
