//! SQL stays bound: every value reaches the database as a bound parameter.
//!
//! Hostile strings (quotes, statement separators, comment markers, placeholder and template
//! look-alikes, unicode, a NUL, 1 MB) go into every text, JSON and enum column of every model,
//! on both dialects, through the models' own insert, update and read. Each comes back
//! unchanged, or is refused with the database's typed error where the database itself cannot
//! hold it (PostgreSQL: NUL, an over-long `varchar(32)`, a B-tree entry over its size limit, a
//! label outside an enum); afterwards every table is still there with exactly the rows written,
//! so no injected statement ran. Non-UTF-8 bytes, which no Rust string holds, are tried where
//! bytes can cross: `Value::Bytes`, SQLite's own blob-to-text cast, and the command line.
//!
//! The columns come from the models' table metadata and are checked against the live schema,
//! so a model or column added later is covered without editing this file, and a text column
//! the models miss fails the test.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Instant;

use abi_stable::std_types::RString;
use common::{build, interface, registry, temp_dir, with_postgres_database};
use flowdb::models::{self, ColumnKind, ColumnMeta, Model, TableMeta};
use flowdb::value::Value;
use flowdb::{ComponentKind, DatabaseConfig, DbInterface, Error, ErrorKind, Session};
use flowdb_abi::ValueKind;
use serde_json::json;

/// Runs `$function::<Model>($args)` for the model of table `$table`. Typed reads need the Rust
/// type; a table missing here panics, so a model added later cannot be skipped silently.
macro_rules! with_model {
    ($table:expr, $function:ident $args:tt) => {
        with_model!(@each $table, $function $args;
            Agent AlembicVersion Artifact ArtifactCollection Automation AutomationBucket
            AutomationEventFollower AutomationHeldEvent AutomationRelatedResource BlockDocument
            BlockDocumentReference BlockSchema BlockSchemaReference BlockType
            CompositeTriggerChildFiring ConcurrencyLimit ConcurrencyLimitV2 Configuration CsrfToken
            Deployment DeploymentSchedule DeploymentVersion EventResource Event Flow FlowRun
            FlowRunInput FlowRunState Log SavedSearch TaskRun TaskRunState TaskRunStateCache
            Variable WorkPool WorkQueue Worker)
    };
    (@each $table:expr, $function:ident $args:tt; $($model:ident)*) => {
        match $table {
            $(name if name == <models::$model as Model>::TABLE.name => {
                $function::<models::$model> $args .await
            })*
            other => panic!("table `{other}` has no model in this test's with_model! list: add it"),
        }
    };
}

/// A hostile value and what to call it in messages (a 1 MB value is not printed).
struct Hostile {
    label: &'static str,
    text: String,
}

/// PostgreSQL's largest B-tree entry (a third of a page); a longer value in a B-tree-indexed
/// column is refused unless it compresses below it, which 1 MB does not.
const BTREE_MAX_ENTRY: usize = 2704;

const ONE_MEGABYTE: usize = 1 << 20;

/// Invalid UTF-8: 0xff and 0xfe, which UTF-8 never uses, and a lead byte (0xc3) without its
/// continuation.
const NOT_UTF8: &[u8] = b"bad \xff\xfe bytes \xc3\x28 end";

fn hostile_values() -> Vec<Hostile> {
    let short: Vec<(&'static str, &'static str)> = vec![
        ("a single quote", "'"),
        ("a double quote", "\""),
        (
            "mixed quotes",
            r#"it's a "quoted" 'string' with `backticks` and ''doubled'' ones"#,
        ),
        ("a closed string and DROP", "'); DROP TABLE flow_run; --"),
        (
            "a closed identifier and DROP",
            "\"); DROP TABLE flow_run; --",
        ),
        ("stacked statements", "x'; DELETE FROM flow; SELECT '1"),
        ("a semicolon", ";"),
        ("a line comment", "--"),
        ("a block comment", "/* */"),
        ("a block comment closed early", "*/ DROP TABLE log; /*"),
        ("backslashes", r"C:\path\to\file \' \\' \"),
        (
            "escape-string syntax",
            r"E'\x41' U&'\0041' $$dollar$$ $tag$x$tag$",
        ),
        ("a numbered placeholder", "$1"),
        ("placeholder look-alikes", "$2 $1 $0 $99999 $"),
        ("other placeholder styles", "? ?1 ?99 :name @p1"),
        ("printf directives", "%s %d %% %n %x"),
        ("a jinja expression", "{{ 7 * 7 }} {{ params }}"),
        (
            "jinja statements",
            "{% raw %}{% endraw %}{# comment #}{% for x in y %}",
        ),
        ("braces", "{} {0} ${x}"),
        ("emoji", "🚀 👩‍👩‍👧‍👦 🏳️‍🌈"),
        (
            "right-to-left text",
            "שלום עולם مرحبا \u{202e}txt.exe\u{202c}",
        ),
        (
            "combining and invisible characters",
            "e\u{301} \u{200b}\u{200d}\u{feff} \u{10ffff}",
        ),
        ("control characters", "\t\r\n\u{7}\u{1b}[31m\u{7f}"),
        ("the empty string", ""),
        ("the word NULL", "NULL"),
        ("JSON text", "{\"a\": [1, null]}"),
        ("timestamp text", "2024-01-01 00:00:00.000000"),
        ("UUID text", "00000000-0000-0000-0000-000000000000"),
        ("LIKE wildcards", "%_%"),
        ("a NUL byte", "before\0after"),
    ];
    // The megabyte is made of the other hostile strings (no NUL), so that it is refused, where
    // it is, for its size alone.
    let chunk: String = short
        .iter()
        .filter(|(_, text)| !text.contains('\0'))
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join(" | ");
    let mut megabyte = String::with_capacity(ONE_MEGABYTE);
    while megabyte.len() + chunk.len() <= ONE_MEGABYTE {
        megabyte.push_str(&chunk);
    }
    for c in chunk.chars() {
        if megabyte.len() + c.len_utf8() > ONE_MEGABYTE {
            break;
        }
        megabyte.push(c);
    }
    while megabyte.len() < ONE_MEGABYTE {
        megabyte.push('.');
    }
    let mut values: Vec<Hostile> = short
        .into_iter()
        .map(|(label, text)| Hostile {
            label,
            text: text.to_owned(),
        })
        .collect();
    values.push(Hostile {
        label: "1 MB of the above",
        text: megabyte,
    });
    values
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
}

/// What the database should do with a value.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// Stored and read back unchanged.
    Stored,
    /// Stored as given, but a typed read refuses it (a hostile label in a SQLite enum column).
    StoredUnreadable,
    /// Refused by the database with this SQLSTATE and a message containing `mentions`.
    Refused {
        sqlstate: &'static str,
        mentions: &'static str,
    },
}

/// What the live schema says about the columns.
#[derive(Debug, Default)]
struct Catalog {
    /// Declared type by (table, column).
    types: BTreeMap<(String, String), String>,
    /// `varchar(n)` limits (PostgreSQL enforces them, SQLite does not).
    max_length: BTreeMap<(String, String), i64>,
    /// Columns that are part of a B-tree index (as a key or an included column).
    btree_indexed: BTreeSet<(String, String)>,
}

impl Catalog {
    async fn load(session: &Session, dialect: Dialect) -> Catalog {
        let mut catalog = Catalog::default();
        match dialect {
            Dialect::Sqlite => {
                let rows = session
                    .fetch_all(
                        "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type \
                         FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p \
                         WHERE m.type = 'table'",
                        vec![],
                    )
                    .await
                    .unwrap();
                for row in rows.iter() {
                    catalog.types.insert(
                        (
                            row.get("table_name").unwrap(),
                            row.get("column_name").unwrap(),
                        ),
                        row.get("data_type").unwrap(),
                    );
                }
            }
            Dialect::Postgres => {
                let rows = session
                    .fetch_all(
                        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                         data_type::text AS data_type, \
                         character_maximum_length::integer AS max_length \
                         FROM information_schema.columns WHERE table_schema = current_schema()",
                        vec![],
                    )
                    .await
                    .unwrap();
                for row in rows.iter() {
                    let key: (String, String) = (
                        row.get("table_name").unwrap(),
                        row.get("column_name").unwrap(),
                    );
                    if let Some(max) = row.get::<Option<i64>>("max_length").unwrap() {
                        catalog.max_length.insert(key.clone(), max);
                    }
                    catalog.types.insert(key, row.get("data_type").unwrap());
                }
                let rows = session
                    .fetch_all(
                        "SELECT t.relname::text AS table_name, a.attname::text AS column_name \
                         FROM pg_index AS x \
                         JOIN pg_class AS t ON t.oid = x.indrelid \
                         JOIN pg_class AS i ON i.oid = x.indexrelid \
                         JOIN pg_am AS am ON am.oid = i.relam \
                         JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey) \
                         WHERE am.amname = 'btree' \
                         AND t.relnamespace = current_schema()::regnamespace",
                        vec![],
                    )
                    .await
                    .unwrap();
                for row in rows.iter() {
                    catalog.btree_indexed.insert((
                        row.get("table_name").unwrap(),
                        row.get("column_name").unwrap(),
                    ));
                }
            }
        }
        catalog
    }

    /// The columns whose values are text in the database: strings, JSON, enum labels.
    fn text_like_columns(&self, dialect: Dialect) -> BTreeSet<(String, String)> {
        self.types
            .iter()
            .filter(|(_, declared)| match dialect {
                Dialect::Sqlite => {
                    let declared = declared.to_ascii_uppercase();
                    declared.starts_with("VARCHAR") || declared == "TEXT" || declared == "JSON"
                }
                Dialect::Postgres => matches!(
                    declared.as_str(),
                    "character varying" | "text" | "json" | "jsonb" | "USER-DEFINED"
                ),
            })
            .map(|(key, _)| key.clone())
            .collect()
    }
}

/// What one dialect's sweep shares.
struct Context<'a> {
    session: Session,
    dialect: Dialect,
    catalog: Catalog,
    values: &'a [Hostile],
}

impl Context<'_> {
    fn expect(&self, table: &str, column: &ColumnMeta, text: &str) -> Expect {
        let refused = |sqlstate, mentions| Expect::Refused { sqlstate, mentions };
        if self.dialect == Dialect::Sqlite {
            return match column.kind {
                ColumnKind::Enum(_) => Expect::StoredUnreadable,
                _ => Expect::Stored,
            };
        }
        let key = (table.to_owned(), column.name.to_owned());
        let nul = text.contains('\0');
        match column.kind {
            // PostgreSQL text cannot hold NUL: the server refuses the parameter's encoding.
            ColumnKind::Text | ColumnKind::Enum(_) if nul => refused("22021", "0x00"),
            // serde_json writes NUL as \u0000, which jsonb cannot hold; every JSON value is
            // bound as jsonb, so Prefect's few `json` columns refuse it as well.
            ColumnKind::Json if nul => refused("22P05", "unsupported Unicode escape sequence"),
            ColumnKind::Enum(_) => refused("22P02", "invalid input value for enum"),
            _ if self
                .catalog
                .max_length
                .get(&key)
                .is_some_and(|max| text.chars().count() as i64 > *max) =>
            {
                refused("22001", "too long")
            }
            _ if text.len() > BTREE_MAX_ENTRY && self.catalog.btree_indexed.contains(&key) => {
                refused("54000", "index row")
            }
            _ => Expect::Stored,
        }
    }

    /// The plugin still answers after a refusal.
    async fn still_serves(&self, sweep: &mut Sweep, what: &str) {
        match self.session.fetch_all("SELECT 1 AS one", vec![]).await {
            Ok(rows) if rows.row(0).and_then(|row| row.get::<i64>("one").ok()) == Some(1) => {}
            Ok(rows) => sweep.fail(format!("{what}: SELECT 1 afterwards returned {rows:?}")),
            Err(err) => sweep.fail(format!(
                "{what}: the plugin no longer serves: {}",
                short(&err)
            )),
        }
    }

    /// Checks a write's outcome against the expectation; true when the row was written.
    async fn settle(
        &self,
        sweep: &mut Sweep,
        what: &str,
        expected: &Expect,
        outcome: Result<(), Error>,
    ) -> bool {
        match (expected, outcome) {
            (Expect::Stored | Expect::StoredUnreadable, Ok(())) => true,
            (Expect::Stored | Expect::StoredUnreadable, Err(err)) => {
                sweep.fail(format!(
                    "{what}: expected to be stored, refused: {}",
                    short(&err)
                ));
                self.still_serves(sweep, what).await;
                false
            }
            (Expect::Refused { sqlstate, .. }, Ok(())) => {
                sweep.fail(format!(
                    "{what}: expected a refusal (SQLSTATE {sqlstate}), but it was stored"
                ));
                true
            }
            (Expect::Refused { sqlstate, mentions }, Err(err)) => {
                let error = err.plugin_error();
                let got_state = error.and_then(|error| error.sqlstate.as_ref().into_option());
                if got_state.map(RString::as_str) != Some(*sqlstate)
                    || !err.to_string().contains(mentions)
                {
                    sweep.fail(format!(
                        "{what}: expected SQLSTATE {sqlstate} mentioning `{mentions}`, got {}",
                        short(&err)
                    ));
                }
                *sweep.refusals.entry(sqlstate.to_string()).or_default() += 1;
                self.still_serves(sweep, what).await;
                false
            }
        }
    }
}

/// What a sweep found.
#[derive(Default)]
struct Sweep {
    next_row: u32,
    failures: Vec<String>,
    /// Rows written and kept, per table.
    stored: BTreeMap<&'static str, i64>,
    /// (table, column) pairs a hostile value was tried in.
    covered: BTreeSet<(String, String)>,
    /// Values written (insert or update) and read back unchanged.
    round_trips: usize,
    /// Refusals by SQLSTATE.
    refusals: BTreeMap<String, usize>,
    /// The final text of every stored `flow_run.name`, for the component reads.
    flow_run_names: Vec<String>,
}

impl Sweep {
    fn row(&mut self) -> u32 {
        self.next_row += 1;
        self.next_row
    }

    fn fail(&mut self, message: String) {
        self.failures.push(message);
    }
}

/// An error's message cut short: some echo the (megabyte) value.
fn short(err: &Error) -> String {
    let text = err.to_string();
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text,
    }
}

/// A value for display, cut short.
fn shown(value: &Value) -> String {
    let text = format!("{value:?}");
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
        None => text,
    }
}

/// Where two texts first differ, for a readable failure.
fn difference(wanted: &str, got: &str) -> String {
    let at = wanted
        .char_indices()
        .zip(got.chars())
        .find(|((_, a), b)| a != b)
        .map_or(wanted.len().min(got.len()), |((index, _), _)| index);
    let window = |text: &str| {
        let start = text.floor_char_boundary(at.saturating_sub(20));
        let end = text.ceil_char_boundary((at + 20).min(text.len()));
        format!("{:?}", &text[start..end])
    };
    format!(
        "{} bytes written, {} read; first difference at byte {at}: wrote …{}…, read …{}…",
        wanted.len(),
        got.len(),
        window(wanted),
        window(got)
    )
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"a" = $first AND "b" = $first+1 …` over the primary key.
fn key_condition(table: &TableMeta, first: usize) -> String {
    table
        .primary_key
        .iter()
        .enumerate()
        .map(|(offset, key)| format!("{} = ${}", quoted(key), first + offset))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn insert_sql(table: &TableMeta) -> String {
    let columns: Vec<String> = table.columns.iter().map(|c| quoted(c.name)).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quoted(table.name),
        columns.join(", "),
        placeholders.join(", ")
    )
}

fn key_of(table: &TableMeta, values: &[Value]) -> Vec<Value> {
    table
        .primary_key
        .iter()
        .map(|key| values[table.columns.iter().position(|c| c.name == *key).unwrap()].clone())
        .collect()
}

/// Plain values for every column of one row, distinct per `row` wherever a unique index
/// could see them; hostile values then replace one column at a time.
fn benign_values(table: &TableMeta, row: u32) -> Vec<Value> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let n = u128::from(row) * 64 + index as u128;
            match column.kind {
                ColumnKind::Uuid => Value::Uuid(
                    uuid::Uuid::from_u128(0x5afe_0000_0000_4000_8000_0000_0000_0000 + n)
                        .into_bytes(),
                ),
                ColumnKind::Timestamp => {
                    Value::Timestamp(1_795_000_000_000_000 + i64::from(row) * 1_000_000)
                }
                ColumnKind::Interval => Value::Interval(90_000_000),
                ColumnKind::Text => Value::Text(format!("ok-{row}").into()),
                ColumnKind::SmallInt => Value::Int16(1),
                ColumnKind::Integer => Value::Int32(1),
                ColumnKind::BigInt => Value::Int64(1),
                ColumnKind::Float => Value::Float64(0.5),
                ColumnKind::Boolean => Value::Bool(false),
                ColumnKind::Json if column.name == "tags" => Value::Json(r#"["ok"]"#.into()),
                ColumnKind::Json => Value::Json(json!({ "ok": row }).to_string().into()),
                ColumnKind::Enum(labels) => Value::Text(labels[0].into()),
                other => panic!(
                    "{}.{}: column kind {other:?} is new to this test: give it a plain value, and \
                     hostile ones if it holds text",
                    table.name, column.name
                ),
            }
        })
        .collect()
}

/// A JSON document carrying `text` as a string value inside a list and as a key; a tag list
/// for tag columns. A megabyte goes in once: as a key it would take the same path again, at
/// twice the (unoptimized) JSON work.
fn hostile_document(column: &ColumnMeta, text: &str) -> serde_json::Value {
    if column.name == "tags" {
        return json!([text, "plain"]);
    }
    let mut document = serde_json::Map::new();
    document.insert("hostile".to_owned(), json!({ "list": [text, 1, null] }));
    if text.len() < ONE_MEGABYTE {
        document.insert(text.to_owned(), json!("as a key"));
    }
    serde_json::Value::Object(document)
}

fn hostile_value(column: &ColumnMeta, text: &str) -> Value {
    match column.kind {
        ColumnKind::Json => Value::Json(hostile_document(column, text).to_string().into()),
        _ => Value::Text(text.into()),
    }
}

/// Reads the row back through the model and compares it with what was written.
async fn check_read<M: Model + PartialEq + Debug>(
    ctx: &Context<'_>,
    sweep: &mut Sweep,
    what: &str,
    key: &[Value],
    written: &M,
    position: usize,
) {
    match ctx.session.get::<M>(key.to_vec()).await {
        Ok(Some(read)) if read == *written => sweep.round_trips += 1,
        Ok(Some(read)) => {
            let (wanted, got) = (&written.values()[position], &read.values()[position]);
            let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
            let detail = match (wanted, got) {
                (Value::Json(a), Value::Json(b)) if as_json(a) == as_json(b) => None,
                (Value::Json(a), Value::Json(b)) => Some(difference(a, b)),
                (Value::Text(a), Value::Text(b)) if a != b => Some(difference(a, b)),
                _ if wanted == got => None,
                _ => Some(format!("wrote {}, read {}", shown(wanted), shown(got))),
            };
            let detail = detail.unwrap_or_else(|| {
                let row = format!("{read:?}");
                let cut = row.floor_char_boundary(500);
                format!(
                    "this column came back equal, another did not: {}…",
                    &row[..cut]
                )
            });
            sweep.fail(format!("{what}: read back changed: {detail}"));
        }
        Ok(None) => sweep.fail(format!("{what}: the row is not found by its key")),
        Err(err) => sweep.fail(format!("{what}: reading it back failed: {}", short(&err))),
    }
}

/// Every hostile value in every text, JSON and enum column of one model: a row per value,
/// inserted, read back, updated to a variant, read back.
async fn sweep_model<M: Model + PartialEq + Debug>(ctx: &Context<'_>, sweep: &mut Sweep) {
    let table = M::TABLE;
    for (position, column) in table.columns.iter().enumerate() {
        if !matches!(
            column.kind,
            ColumnKind::Text | ColumnKind::Json | ColumnKind::Enum(_)
        ) {
            continue;
        }
        sweep
            .covered
            .insert((table.name.to_owned(), column.name.to_owned()));
        for hostile in ctx.values {
            if let ColumnKind::Enum(_) = column.kind {
                enum_case::<M>(ctx, sweep, position, hostile).await;
            } else {
                typed_case::<M>(ctx, sweep, position, hostile).await;
            }
        }
    }
}

async fn typed_case<M: Model + PartialEq + Debug>(
    ctx: &Context<'_>,
    sweep: &mut Sweep,
    position: usize,
    hostile: &Hostile,
) {
    let table = M::TABLE;
    let column = &table.columns[position];
    let row = sweep.row();
    let mut values = benign_values(table, row);
    values[position] = hostile_value(column, &hostile.text);
    let key = key_of(table, &values);
    let model: M = build(values.clone());
    let what = format!(
        "{}.{} ← {} (insert)",
        table.name, column.name, hostile.label
    );
    let expected = ctx.expect(table.name, column, &hostile.text);
    let outcome = ctx.session.insert(&model).await;
    if !ctx.settle(sweep, &what, &expected, outcome).await {
        if let Ok(Some(_)) = ctx.session.get::<M>(key.clone()).await {
            sweep.fail(format!("{what}: refused, yet the row is there"));
        }
        return;
    }
    *sweep.stored.entry(table.name).or_default() += 1;
    check_read(ctx, sweep, &what, &key, &model, position).await;

    // The update binds the same values in another order (non-key columns, then the key). A
    // megabyte would only test its size again.
    let mut final_text = hostile.text.clone();
    if !table.primary_key.contains(&column.name) && hostile.text.len() < ONE_MEGABYTE {
        let changed_text = format!("{}\u{200f}#{row}", hostile.text);
        values[position] = hostile_value(column, &changed_text);
        let changed: M = build(values);
        let what = format!(
            "{}.{} ← {} (update)",
            table.name, column.name, hostile.label
        );
        let expected = ctx.expect(table.name, column, &changed_text);
        let outcome = match ctx.session.update(&changed).await {
            Ok(true) => Ok(()),
            Ok(false) => {
                sweep.fail(format!("{what}: the update did not find the row"));
                return;
            }
            Err(err) => Err(err),
        };
        if ctx.settle(sweep, &what, &expected, outcome).await {
            check_read(ctx, sweep, &what, &key, &changed, position).await;
            final_text = changed_text;
        } else {
            check_read(ctx, sweep, &what, &key, &model, position).await;
        }
    }
    if (table.name, column.name) == ("flow_run", "name") {
        sweep.flow_run_names.push(final_text);
    }
}

/// A hostile label in an enum column. No model value can carry one, so the row goes in through
/// the models' insert statement with the label bound in place of a valid one.
async fn enum_case<M: Model + PartialEq + Debug>(
    ctx: &Context<'_>,
    sweep: &mut Sweep,
    position: usize,
    hostile: &Hostile,
) {
    let table = M::TABLE;
    let column = &table.columns[position];
    let mut values = benign_values(table, sweep.row());
    values[position] = Value::Text(hostile.text.as_str().into());
    let key = key_of(table, &values);
    let what = format!("{}.{} ← {} (enum)", table.name, column.name, hostile.label);
    let expected = ctx.expect(table.name, column, &hostile.text);
    let outcome = ctx
        .session
        .execute(&insert_sql(table), values)
        .await
        .map(|_| ());
    if !ctx.settle(sweep, &what, &expected, outcome).await {
        return;
    }
    let raw = ctx
        .session
        .fetch_all(
            &format!(
                "SELECT {} AS value FROM {} WHERE {}",
                quoted(column.name),
                quoted(table.name),
                key_condition(table, 1)
            ),
            key.clone(),
        )
        .await;
    match raw
        .as_ref()
        .map(|rows| rows.row(0).map(|row| row.get::<Value>("value")))
    {
        Ok(Some(Ok(Value::Text(text)))) if text.as_str() == hostile.text => {
            sweep.round_trips += 1;
        }
        other => sweep.fail(format!("{what}: the raw read gave {other:?}")),
    }
    // The typed read refuses the unknown label, naming the column, rather than guessing.
    match ctx.session.get::<M>(key.clone()).await {
        Err(Error::Conversion {
            column: named,
            reason,
        }) if named == column.name && reason.contains("is not a") => {}
        Err(err) => sweep.fail(format!(
            "{what}: the typed read failed otherwise: {}",
            short(&err)
        )),
        Ok(read) => sweep.fail(format!(
            "{what}: the typed read accepted the label: {read:?}"
        )),
    }
    if !matches!(ctx.session.delete::<M>(key).await, Ok(true)) {
        sweep.fail(format!("{what}: the row could not be deleted again"));
    }
}

/// The tables of the database, by name.
async fn table_names(session: &Session, dialect: Dialect) -> Vec<String> {
    let sql = match dialect {
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Dialect::Postgres => {
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY 1"
        }
    };
    let rows = session.fetch_all(sql, vec![]).await.unwrap();
    rows.iter().map(|row| row.get("name").unwrap()).collect()
}

async fn row_counts(session: &Session) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for table in models::all_models() {
        let rows = session
            .fetch_all(
                &format!("SELECT count(*) AS n FROM {}", quoted(table.name)),
                vec![],
            )
            .await
            .unwrap_or_else(|err| panic!("counting {}: {err}", table.name));
        counts.insert(table.name, rows.row(0).unwrap().get::<i64>("n").unwrap());
    }
    counts
}

/// An interface with one connection, so that a session-level setting holds for every
/// statement that follows.
fn single_connection(url: &str) -> Arc<DbInterface> {
    let mut config = DatabaseConfig::new(url);
    config.pool_size = 1;
    config.max_overflow = 0;
    DbInterface::with_registry(config, registry()).unwrap()
}

/// The whole sweep on one migrated database: hostile values in, integrity, component reads,
/// non-UTF-8 bytes.
async fn sweep_database(url: &str, dialect: Dialect) {
    let started = Instant::now();
    let db = single_connection(url);
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    // Pools are shared by URL: had another interface opened this one first, the setting below
    // would reach one of its connections only.
    assert_eq!(session.database().status().max_size, 1);
    // The rows exercise how text is bound, not references: each stands alone, so the foreign
    // keys are off for this one connection rather than a consistent graph of 37 tables built.
    match dialect {
        Dialect::Sqlite => {
            session
                .execute("PRAGMA foreign_keys = OFF", vec![])
                .await
                .unwrap();
        }
        Dialect::Postgres => {
            session
                .execute("SET session_replication_role = replica", vec![])
                .await
                .unwrap();
            let encoding = session
                .fetch_all("SELECT current_setting('server_encoding') AS e", vec![])
                .await
                .unwrap();
            // The NUL and non-UTF-8 expectations are a UTF8 database's.
            assert_eq!(encoding.row(0).unwrap().get::<String>("e").unwrap(), "UTF8");
        }
    }

    let values = hostile_values();
    let ctx = Context {
        catalog: Catalog::load(&session, dialect).await,
        session: session.clone(),
        dialect,
        values: &values,
    };
    let model_tables: BTreeSet<&str> = models::all_models().iter().map(|t| t.name).collect();
    let from_models: BTreeSet<(String, String)> = models::all_models()
        .iter()
        .flat_map(|table| {
            table
                .columns
                .iter()
                .filter(|c| {
                    matches!(
                        c.kind,
                        ColumnKind::Text | ColumnKind::Json | ColumnKind::Enum(_)
                    )
                })
                .map(|c| (table.name.to_owned(), c.name.to_owned()))
        })
        .collect();
    let mut from_schema = ctx.catalog.text_like_columns(dialect);
    let unmodelled: BTreeSet<String> = from_schema
        .iter()
        .filter(|(table, _)| !model_tables.contains(table.as_str()))
        .map(|(table, _)| table.clone())
        .collect();
    // flowdb's own bookkeeping is the only table without a Prefect model.
    assert_eq!(
        unmodelled,
        BTreeSet::from(["flowdb_migrations".to_owned()]),
        "tables with text columns but no model"
    );
    from_schema.retain(|(table, _)| model_tables.contains(table.as_str()));
    assert_eq!(
        from_models, from_schema,
        "the models' text, JSON and enum columns are the schema's text-like ones"
    );

    let tables_before = table_names(&session, dialect).await;
    let counts_before = row_counts(&session).await;
    let mut sweep = Sweep::default();
    for table in models::all_models() {
        with_model!(table.name, sweep_model(&ctx, &mut sweep));
    }
    assert_eq!(
        sweep.covered, from_models,
        "every text, JSON and enum column was swept"
    );
    let swept_at = started.elapsed();

    // No injected statement ran: the same tables, each with exactly the rows written.
    assert_eq!(table_names(&session, dialect).await, tables_before);
    let counts_after = row_counts(&session).await;
    for (table, before) in &counts_before {
        let expected = before + sweep.stored.get(table).copied().unwrap_or(0);
        if counts_after[table] != expected {
            sweep.fail(format!(
                "{table}: {} rows after the sweep, {expected} expected",
                counts_after[table]
            ));
        }
    }

    // The dialect's query components bind hostile values too: each stored name finds its run.
    assert!(!sweep.flow_run_names.is_empty());
    for name in std::mem::take(&mut sweep.flow_run_names) {
        let rendered = db
            .queries()
            .render(
                "count_flow_runs",
                [(
                    "name_any",
                    Value::TextList(vec![name.as_str().into()].into()),
                )],
            )
            .unwrap();
        let count = session
            .database()
            .run_rendered(rendered)
            .await
            .map(|rows| rows.row(0).unwrap().get::<i64>("count").unwrap());
        if !matches!(count, Ok(1)) {
            let label = values
                .iter()
                .find(|v| name.starts_with(&v.text) && !v.text.is_empty())
                .map_or("?", |v| v.label);
            sweep.fail(format!(
                "count_flow_runs(name_any = [{label}…]) gave {count:?}, not 1"
            ));
        }
    }
    // The one component that takes identifiers quotes them: a hostile table name is looked
    // up as a (missing) table, not run.
    let rendered = db
        .queries()
        .render(
            "insert",
            [
                (
                    "table",
                    Value::Text("flow_run\"; DROP TABLE flow_run; --".into()),
                ),
                ("columns", Value::TextList(vec!["id".into()].into())),
            ],
        )
        .unwrap();
    let mut statement = rendered.into_statement().unwrap();
    statement.params = vec![Value::Uuid(uuid::Uuid::new_v4().into_bytes())];
    let err = session
        .execute(&statement.sql, statement.params)
        .await
        .unwrap_err();
    let missing = match dialect {
        Dialect::Sqlite => "no such table: flow_run\"; DROP TABLE flow_run; --",
        Dialect::Postgres => "relation \"flow_run\"; DROP TABLE flow_run; --\" does not exist",
    };
    assert!(err.to_string().contains(missing), "{err}");
    assert_eq!(table_names(&session, dialect).await, tables_before);
    assert_eq!(row_counts(&session).await, counts_after);

    let bytes = non_utf8(&ctx, &mut sweep).await;
    assert_eq!(
        row_counts(&session).await.values().sum::<i64>(),
        counts_after.values().sum::<i64>() + bytes,
        "the non-UTF-8 step added one row per model and no other"
    );

    eprintln!(
        "{dialect:?}: {} models, {} text/JSON/enum columns ({} text, {} JSON, {} enum), {} hostile \
         values: {} writes read back unchanged, refusals by SQLSTATE {:?}, {} rows kept; sweep \
         {:.1} s, total {:.1} s",
        model_tables.len(),
        from_models.len(),
        count_kind(|k| matches!(k, ColumnKind::Text)),
        count_kind(|k| matches!(k, ColumnKind::Json)),
        count_kind(|k| matches!(k, ColumnKind::Enum(_))),
        values.len(),
        sweep.round_trips,
        sweep.refusals,
        sweep.stored.values().sum::<i64>(),
        swept_at.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    assert!(
        sweep.failures.is_empty(),
        "{dialect:?}: {} failures:\n{}",
        sweep.failures.len(),
        sweep.failures.join("\n")
    );
}

fn count_kind(test: impl Fn(ColumnKind) -> bool) -> usize {
    models::all_models()
        .iter()
        .flat_map(|table| table.columns.iter())
        .filter(|column| test(column.kind))
        .count()
}

/// Non-UTF-8 bytes in every text, JSON and enum column, through the only value that carries
/// bytes (`Value::Bytes`), and through the database's own conversion of bytes to text. SQLite
/// stores either as given and flowdb's typed read refuses them (naming the column for a blob,
/// its position for invalid text). PostgreSQL refuses them for JSON and enum columns and for
/// text it decodes itself, but stores bytes bound to a string column as their hex text.
/// Returns the rows it added.
async fn non_utf8(ctx: &Context<'_>, sweep: &mut Sweep) -> i64 {
    let mut added = 0;
    for table in models::all_models() {
        with_model!(table.name, non_utf8_model(ctx, sweep));
        added += 1;
    }
    added
}

async fn non_utf8_model<M: Model + PartialEq + Debug>(ctx: &Context<'_>, sweep: &mut Sweep) {
    let table = M::TABLE;
    let values = benign_values(table, sweep.row());
    let row: M = build(values.clone());
    ctx.session.insert(&row).await.unwrap();
    let key = key_of(table, &values);
    let bad = Value::Bytes(NOT_UTF8.to_vec().into());
    let t = quoted(table.name);
    for (position, column) in table.columns.iter().enumerate() {
        if !matches!(
            column.kind,
            ColumnKind::Text | ColumnKind::Json | ColumnKind::Enum(_)
        ) {
            continue;
        }
        let c = quoted(column.name);
        let what = format!("{}.{} ← non-UTF-8", table.name, column.name);
        match ctx.dialect {
            Dialect::Postgres => {
                let mut params = vec![bad.clone()];
                params.extend(key.iter().cloned());
                let bound = ctx
                    .session
                    .execute(
                        &format!("UPDATE {t} SET {c} = $1 WHERE {}", key_condition(table, 2)),
                        params.clone(),
                    )
                    .await;
                let outcome = bound.map(|_| ());
                if column.kind != ColumnKind::Text {
                    // No cast from bytea to JSON or an enum: refused at the statement.
                    let expected = Expect::Refused {
                        sqlstate: "42804",
                        mentions: "but expression is of type bytea",
                    };
                    ctx.settle(sweep, &format!("{what} (bytes)"), &expected, outcome)
                        .await;
                } else {
                    // Not refused: PostgreSQL assigns any type to a string column through its
                    // text form, so the bytes are stored as bytea's hex text (`\x6261…`), read
                    // back as that string. Lossless, but silent, and unlike SQLite, whose typed
                    // read refuses them.
                    let hex: String = NOT_UTF8.iter().map(|b| format!("{b:02x}")).collect();
                    let as_text = format!("\\x{hex}");
                    let expected = ctx.expect(table.name, column, &as_text);
                    let what = format!("{what} (bytes)");
                    if ctx.settle(sweep, &what, &expected, outcome).await {
                        let mut converted = values.clone();
                        converted[position] = Value::Text(as_text.as_str().into());
                        let converted: M = build(converted);
                        check_read(ctx, sweep, &what, &key, &converted, position).await;
                        // Through the model's own update, not the statement above: the
                        // same SQL text with a text value in place of the bytes would be
                        // bound as bytes again (see `statement_reused_with_other_value_kinds`).
                        assert!(ctx.session.update(&row).await.unwrap());
                    }
                }
                if column.kind == ColumnKind::Text {
                    // Text the server decodes from bytes is checked as UTF-8.
                    let decoded = ctx
                        .session
                        .execute(
                            &format!(
                                "UPDATE {t} SET {c} = convert_from($1, 'UTF8') WHERE {}",
                                key_condition(table, 2)
                            ),
                            params,
                        )
                        .await;
                    let expected = Expect::Refused {
                        sqlstate: "22021",
                        mentions: "invalid byte sequence for encoding \"UTF8\": 0xff",
                    };
                    ctx.settle(
                        sweep,
                        &format!("{what} (convert_from)"),
                        &expected,
                        decoded.map(|_| ()),
                    )
                    .await;
                }
            }
            Dialect::Sqlite => {
                // By rowid: the key itself may be the column under test (alembic_version).
                let rowid: i64 = ctx
                    .session
                    .fetch_all(
                        &format!(
                            "SELECT rowid AS r FROM {t} WHERE {}",
                            key_condition(table, 1)
                        ),
                        key.clone(),
                    )
                    .await
                    .unwrap()
                    .row(0)
                    .unwrap()
                    .get("r")
                    .unwrap();
                let bound = ctx
                    .session
                    .execute(
                        &format!("UPDATE {t} SET {c} = $1 WHERE rowid = $2"),
                        vec![bad.clone(), Value::Int64(rowid)],
                    )
                    .await;
                // SQLite keeps a blob a blob whatever the column's type: stored as given…
                if !matches!(bound, Ok(1)) {
                    sweep.fail(format!("{what} (bytes): not stored: {bound:?}"));
                    continue;
                }
                expect_stored_bytes(ctx, sweep, &what, &t, &c, rowid, "blob").await;
                // …and the typed read refuses it by the column's name instead of guessing.
                match read_by_rowid::<M>(&ctx.session, rowid).await {
                    Err(Error::Conversion { column: named, .. }) if named == column.name => {}
                    other => sweep.fail(format!(
                        "{what} (bytes): expected a conversion error naming the column, got {}",
                        other.map_or_else(|err| short(&err), |read| format!("{read:?}"))
                    )),
                }
                restore(ctx, sweep, &what, &t, &c, rowid, &values[position]).await;

                // Bytes SQLite itself turns into (invalid) text, as another program could.
                let hex: String = NOT_UTF8.iter().map(|b| format!("{b:02X}")).collect();
                let cast = ctx
                    .session
                    .execute(
                        &format!("UPDATE {t} SET {c} = CAST(X'{hex}' AS TEXT) WHERE rowid = $1"),
                        vec![Value::Int64(rowid)],
                    )
                    .await;
                if !matches!(cast, Ok(1)) {
                    sweep.fail(format!("{what} (cast): not stored: {cast:?}"));
                    continue;
                }
                expect_stored_bytes(ctx, sweep, &what, &t, &c, rowid, "text").await;
                let named = format!("column {position} is not UTF-8");
                match read_by_rowid::<M>(&ctx.session, rowid).await {
                    Err(err)
                        if err.kind() == Some(ErrorKind::DECODE)
                            && err.to_string().contains(&named) => {}
                    other => sweep.fail(format!(
                        "{what} (cast): expected a decode error saying `{named}`, got {}",
                        other.map_or_else(|err| short(&err), |read| format!("{read:?}"))
                    )),
                }
                ctx.still_serves(sweep, &what).await;
                restore(ctx, sweep, &what, &t, &c, rowid, &values[position]).await;
            }
        }
    }
    // Every column restored: the row reads back as written.
    match ctx.session.get::<M>(key).await {
        Ok(Some(read)) if read == row => {}
        other => sweep.fail(format!(
            "{}: after the non-UTF-8 step the row reads {other:?}",
            table.name
        )),
    }
}

/// The model's read of one SQLite row: its columns, in order, through `Model::from_row`.
async fn read_by_rowid<M: Model>(session: &Session, rowid: i64) -> Result<M, Error> {
    let columns: Vec<String> = M::TABLE.columns.iter().map(|c| quoted(c.name)).collect();
    let rows = session
        .fetch_all(
            &format!(
                "SELECT {} FROM {} WHERE rowid = $1",
                columns.join(", "),
                quoted(M::TABLE.name)
            ),
            vec![Value::Int64(rowid)],
        )
        .await?;
    M::from_row(&rows.row(0).expect("the row is there"))
}

/// The column holds exactly the non-UTF-8 bytes, as SQLite type `kind`.
async fn expect_stored_bytes(
    ctx: &Context<'_>,
    sweep: &mut Sweep,
    what: &str,
    table: &str,
    column: &str,
    rowid: i64,
    kind: &str,
) {
    let rows = ctx
        .session
        .fetch_all(
            &format!(
                "SELECT typeof({column}) AS kind, CAST({column} AS BLOB) AS raw FROM {table} \
                 WHERE rowid = $1"
            ),
            vec![Value::Int64(rowid)],
        )
        .await;
    let found = rows.as_ref().ok().and_then(|rows| rows.row(0)).map(|row| {
        (
            row.get::<String>("kind").unwrap(),
            row.get::<Vec<u8>>("raw").unwrap(),
        )
    });
    if found != Some((kind.to_owned(), NOT_UTF8.to_vec())) {
        sweep.fail(format!(
            "{what}: expected the bytes stored as {kind}, found {found:?}"
        ));
    }
}

/// Puts the column's benign value back in place of the bytes.
async fn restore(
    ctx: &Context<'_>,
    sweep: &mut Sweep,
    what: &str,
    table: &str,
    column: &str,
    rowid: i64,
    benign: &Value,
) {
    let restored = ctx
        .session
        .execute(
            &format!("UPDATE {table} SET {column} = $1 WHERE rowid = $2"),
            vec![benign.clone(), Value::Int64(rowid)],
        )
        .await;
    if !matches!(restored, Ok(1)) {
        sweep.fail(format!("{what}: restoring gave {restored:?}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_strings_stay_bound_on_sqlite() {
    let dir = temp_dir("sql-stays-bound");
    let url = format!("sqlite:///{}", dir.join("hostile.db").display());
    sweep_database(&url, Dialect::Sqlite).await;
    // A few hundred megabytes of megabytes; kept when the sweep fails, for a look.
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_strings_stay_bound_on_postgres() {
    with_postgres_database(|url| async move {
        sweep_database(&url, Dialect::Postgres).await;
    })
    .await;
}

/// Every query and write component binds its text, text-list and JSON arguments: rendered with
/// a hostile marker, the SQL never contains it and a parameter does. Fragments are left out:
/// their operands are SQL expressions a host writes, by contract never user data. The one
/// template, `insert`, takes identifiers, which cannot be bound: they come back quoted.
#[test]
fn component_arguments_are_bound_or_quoted() {
    const MARKER: &str = "'); DROP TABLE flow_run; -- \"x\" {{ 7 * 7 }} $1 ? ⊥";
    for url in ["sqlite::memory:", "postgresql://postgres@127.0.0.1/unused"] {
        let db = interface(url);
        let mut checked = 0;
        for component in db.queries().components() {
            if component.kind == ComponentKind::FRAGMENT {
                continue;
            }
            for parameter in component.parameters.iter() {
                let hostile = match parameter.kind {
                    ValueKind::TEXT => Value::Text(MARKER.into()),
                    ValueKind::TEXT_LIST => Value::TextList(vec![MARKER.into()].into()),
                    ValueKind::JSON => Value::Json(json!({ "key": MARKER }).to_string().into()),
                    _ => continue,
                };
                let what = format!("{} {}({})", db.dialect(), component.name, parameter.name);
                let mut arguments: Vec<(String, Value)> = component
                    .parameters
                    .iter()
                    .filter(|other| other.required && other.name != parameter.name)
                    .map(|other| (other.name.to_string(), plain_argument(other.kind)))
                    .collect();
                arguments.push((parameter.name.to_string(), hostile));
                let rendered = db.queries().render(&component.name, arguments);
                if component.kind == ComponentKind::TEMPLATE {
                    match rendered {
                        Ok(rendered) => {
                            for statement in &rendered.statements {
                                let outside = statement.sql.replace(&quoted(MARKER), "");
                                assert!(
                                    !outside.contains("DROP TABLE"),
                                    "{what}: the identifier is not quoted: {}",
                                    statement.sql
                                );
                            }
                        }
                        Err(err) => assert_eq!(
                            err.kind(),
                            Some(ErrorKind::INVALID_ARGUMENT),
                            "{what}: {err}"
                        ),
                    }
                    checked += 1;
                    continue;
                }
                let rendered = match rendered {
                    Ok(rendered) => rendered,
                    // Arguments with a closed set of values (state types) are checked instead.
                    Err(err) if err.kind() == Some(ErrorKind::INVALID_ARGUMENT) => continue,
                    Err(err) => panic!("{what}: {err}"),
                };
                let mut in_a_parameter = false;
                for statement in &rendered.statements {
                    assert!(
                        !statement.sql.contains("DROP TABLE"),
                        "{what}: the value is in the SQL text: {}",
                        statement.sql
                    );
                    in_a_parameter |= statement.params.iter().any(|param| match param {
                        Value::Text(text) => text.as_str() == MARKER,
                        Value::Json(text) => {
                            serde_json::from_str::<serde_json::Value>(text).ok()
                                == Some(json!({ "key": MARKER }))
                        }
                        Value::TextList(items) => items.iter().any(|item| item == MARKER),
                        _ => false,
                    });
                }
                assert!(in_a_parameter, "{what}: the value is in no parameter");
                checked += 1;
            }
        }
        // count_flow_runs, flow_run_history and read_flow_runs alone take a dozen text filters.
        assert!(checked > 30, "{url}: only {checked} arguments checked");
    }
}

fn plain_argument(kind: ValueKind) -> Value {
    match kind {
        ValueKind::BOOL => Value::Bool(false),
        ValueKind::INT16 => Value::Int16(1),
        ValueKind::INT32 => Value::Int32(1),
        ValueKind::INT64 => Value::Int64(1),
        ValueKind::FLOAT64 => Value::Float64(1.0),
        ValueKind::TEXT => Value::Text("flow".into()),
        ValueKind::UUID => Value::Uuid(uuid::Uuid::from_u128(7).into_bytes()),
        ValueKind::TIMESTAMP => Value::Timestamp(1_795_000_000_000_000),
        ValueKind::INTERVAL => Value::Interval(60_000_000),
        ValueKind::JSON => Value::Json("{}".into()),
        ValueKind::UUID_LIST => Value::UuidList(vec![uuid::Uuid::from_u128(7).into_bytes()].into()),
        ValueKind::TEXT_LIST => Value::TextList(vec!["id".into()].into()),
        ValueKind::INT64_LIST => Value::Int64List(vec![1].into()),
        other => panic!("an argument of kind {other:?} is new to this test"),
    }
}

/// The command line is the one door where bytes, not strings, come in: non-UTF-8 arguments are
/// refused by name before anything runs, with the usage exit code, not a panic.
#[test]
fn non_utf8_command_line_arguments_are_refused_cleanly() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt as _;

    let home = temp_dir("sql-stays-bound-cli");
    let database = format!("sqlite:///{}", home.join("cli.db").display());
    let mut bad_args = br#"{"name_like": "a"#.to_vec();
    bad_args.extend_from_slice(NOT_UTF8);
    bad_args.extend_from_slice(br#""}"#);
    let mut bad_url = format!("sqlite:///{}/", home.display()).into_bytes();
    bad_url.extend_from_slice(NOT_UTF8);
    for (what, args) in [
        (
            "--args",
            vec![
                OsStr::new("--url"),
                OsStr::new(&database),
                OsStr::new("--args"),
                OsStr::from_bytes(&bad_args),
            ],
        ),
        (
            "--url",
            vec![OsStr::new("--url"), OsStr::from_bytes(&bad_url)],
        ),
    ] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_flowdb"));
        for (key, _) in std::env::vars() {
            if key.starts_with("PREFECT_") || key.starts_with("FLOWDB_") {
                command.env_remove(key);
            }
        }
        let output = command
            .env("FLOWDB_HOME", &home)
            .args(["query", "run", "count_flow_runs"])
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        assert!(stderr.contains("invalid UTF-8"), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    }
    assert!(
        !home.join("cli.db").exists(),
        "nothing ran: no database was created"
    );
}

/// One SQL text executed again with another kind of value for the same placeholder must still
/// store each value as given. sqlx's statement cache, keyed by the SQL text alone, kept the
/// parameter types of the first execution and the server read the later value's binary form
/// as that type — a string after bytes was stored as the hex text of its UTF-8 (`\x2729…`),
/// 0.5 after an integer as 4.602678819172647e18 (sqlx issue 2981) — until the PostgreSQL
/// plugin put the parameters' kinds into the cached text (`keyed_by_parameter_kinds`).
/// Returns what went wrong.
async fn statement_reused_with_other_value_kinds(url: &str) -> Vec<String> {
    // One connection: the second execution meets the statement the first one prepared.
    let db = single_connection(url);
    let session = db.session().await.unwrap();
    assert_eq!(session.database().status().max_size, 1);
    session
        .execute(
            "CREATE TABLE bound_kinds (id INTEGER PRIMARY KEY, name VARCHAR, amount FLOAT)",
            vec![],
        )
        .await
        .unwrap();
    session
        .execute("INSERT INTO bound_kinds (id) VALUES (1)", vec![])
        .await
        .unwrap();
    let read = |column: &'static str| {
        let session = session.clone();
        async move {
            session
                .fetch_all(
                    &format!("SELECT {column} AS value FROM bound_kinds WHERE id = 1"),
                    vec![],
                )
                .await
                .unwrap()
                .row(0)
                .unwrap()
                .get::<Value>("value")
                .unwrap()
        }
    };
    let mut failures = Vec::new();

    let set_name = "UPDATE bound_kinds SET name = $1 WHERE id = 1";
    // What the bytes become is the dialect's business (asserted in the sweep); what matters
    // here is the text that follows them through the same statement.
    let _ = session
        .execute(set_name, vec![Value::Bytes(b"bytes".to_vec().into())])
        .await;
    let injection = "'); DROP TABLE flow_run; --";
    session
        .execute(set_name, vec![Value::Text(injection.into())])
        .await
        .unwrap();
    let name = read("name").await;
    if name != Value::Text(injection.into()) {
        failures.push(format!(
            "text bound after bytes through the same SQL was stored as {name:?}"
        ));
    }

    let set_amount = "UPDATE bound_kinds SET amount = $1 WHERE id = 1";
    session
        .execute(set_amount, vec![Value::Int64(3)])
        .await
        .unwrap();
    let first = read("amount").await;
    session
        .execute(set_amount, vec![Value::Float64(0.5)])
        .await
        .unwrap();
    let second = read("amount").await;
    if (first, second.clone()) != (Value::Float64(3.0), Value::Float64(0.5)) {
        failures.push(format!(
            "0.5 bound after the integer 3 through the same SQL was stored as {second:?}"
        ));
    }
    db.close().await;
    failures
}

#[tokio::test]
async fn statement_reused_with_other_value_kinds_on_sqlite() {
    let path = temp_dir("sql-stays-bound-kinds").join("kinds.db");
    let failures =
        statement_reused_with_other_value_kinds(&format!("sqlite:///{}", path.display())).await;
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn statement_reused_with_other_value_kinds_on_postgres() {
    with_postgres_database(|url| async move {
        let failures = statement_reused_with_other_value_kinds(&url).await;
        assert!(failures.is_empty(), "{failures:#?}");
    })
    .await;
}
