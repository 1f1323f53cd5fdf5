//! The live MySQL schema as snapshot lines (see `flowdb_plugin_sdk::schema`), read from
//! `information_schema` for the connection's database.
//!
//! Each query returns one text per row, its fields joined by the unit separator (0x1f), and
//! the lines are assembled here: grouping key columns in SQL (`GROUP_CONCAT`) would stop at
//! the server's `group_concat_max_len`.

use std::collections::BTreeMap;

use flowdb_plugin_sdk::schema::{finish_snapshot, normalize_whitespace as norm};
use sqlx::{AssertSqlSafe, MySqlConnection, Row as _};

use crate::error::{Result, from_sqlx};

const SEPARATOR: char = '\u{1f}';

const TABLES: &str = "SELECT CONCAT_WS(CHAR(31), table_name) FROM information_schema.tables \
     WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'";

const COLUMNS: &str = "SELECT CONCAT_WS(CHAR(31), table_name, column_name, column_type, \
        is_nullable, COALESCE(column_default, 'NULL'), COALESCE(generation_expression, '')) \
     FROM information_schema.columns WHERE table_schema = DATABASE() \
     ORDER BY table_name, ordinal_position";

/// Primary keys and unique constraints, a row per column in key order.
const KEYS: &str = "SELECT CONCAT_WS(CHAR(31), c.constraint_type, c.table_name, c.constraint_name, \
        k.column_name) \
     FROM information_schema.table_constraints c \
     JOIN information_schema.key_column_usage k ON k.constraint_schema = c.constraint_schema \
      AND k.table_name = c.table_name AND k.constraint_name = c.constraint_name \
     WHERE c.table_schema = DATABASE() AND c.constraint_type IN ('PRIMARY KEY', 'UNIQUE') \
     ORDER BY c.table_name, c.constraint_name, k.ordinal_position";

/// Index columns in order, for indexes that do not back a primary key or unique constraint.
const INDEXES: &str = "SELECT CONCAT_WS(CHAR(31), s.table_name, s.index_name, \
        IF(s.non_unique = 0, 'true', 'false'), s.index_type, COALESCE(s.column_name, '(expression)'), \
        IF(s.collation = 'D', ' DESC', ''), COALESCE(s.sub_part, '')) \
     FROM information_schema.statistics s \
     WHERE s.table_schema = DATABASE() AND NOT EXISTS ( \
        SELECT 1 FROM information_schema.table_constraints c \
         WHERE c.table_schema = s.table_schema AND c.table_name = s.table_name \
           AND c.constraint_name = s.index_name \
           AND c.constraint_type IN ('PRIMARY KEY', 'UNIQUE')) \
     ORDER BY s.table_name, s.index_name, s.seq_in_index";

/// Foreign keys, a row per column pair in order.
const FOREIGN_KEYS: &str = "SELECT CONCAT_WS(CHAR(31), r.table_name, r.constraint_name, \
        r.referenced_table_name, r.delete_rule, r.update_rule, k.column_name, \
        k.referenced_column_name) \
     FROM information_schema.referential_constraints r \
     JOIN information_schema.key_column_usage k ON k.constraint_schema = r.constraint_schema \
      AND k.table_name = r.table_name AND k.constraint_name = r.constraint_name \
     WHERE r.constraint_schema = DATABASE() \
     ORDER BY r.table_name, r.constraint_name, k.ordinal_position";

/// MySQL: check names are unique in a schema, and `check_constraints` has no table.
const CHECKS: &str = "SELECT CONCAT_WS(CHAR(31), c.table_name, c.constraint_name, k.check_clause) \
     FROM information_schema.table_constraints c \
     JOIN information_schema.check_constraints k ON k.constraint_schema = c.constraint_schema \
      AND k.constraint_name = c.constraint_name \
     WHERE c.table_schema = DATABASE() AND c.constraint_type = 'CHECK'";

/// MariaDB: check names are per table (its JSON checks are named after their column), and
/// `check_constraints` says which table.
const MARIADB_CHECKS: &str = "SELECT CONCAT_WS(CHAR(31), k.table_name, k.constraint_name, k.check_clause) \
     FROM information_schema.check_constraints k WHERE k.constraint_schema = DATABASE()";

const VIEWS: &str = "SELECT CONCAT_WS(CHAR(31), table_name, view_definition) \
     FROM information_schema.views WHERE table_schema = DATABASE()";

const TRIGGERS: &str = "SELECT CONCAT_WS(CHAR(31), event_object_table, trigger_name, \
        action_timing, event_manipulation, action_statement) \
     FROM information_schema.triggers WHERE trigger_schema = DATABASE()";

/// A foreign key, assembled from its column rows.
struct ForeignKey {
    referenced: String,
    on_delete: String,
    on_update: String,
    columns: Vec<String>,
    referenced_columns: Vec<String>,
}

async fn rows(connection: &mut MySqlConnection, sql: &'static str) -> Result<Vec<Vec<String>>> {
    let rows = sqlx::query(AssertSqlSafe(sql))
        .fetch_all(connection)
        .await
        .map_err(from_sqlx)?;
    rows.iter()
        .map(|row| {
            let text: String = row.try_get_unchecked(0).map_err(from_sqlx)?;
            Ok(text.split(SEPARATOR).map(str::to_owned).collect())
        })
        .collect()
}

/// Every table, column, key, index, foreign key, check, view and trigger of the connection's
/// database.
pub(crate) async fn snapshot(connection: &mut MySqlConnection) -> Result<Vec<String>> {
    let mut lines = Vec::new();
    for row in rows(connection, TABLES).await? {
        lines.push(format!("table {}", row[0]));
    }
    for row in rows(connection, COLUMNS).await? {
        let [table, column, kind, nullable, default, generated] = &row[..] else {
            continue;
        };
        let mut line = format!(
            "column {table}.{column} type={kind} nullable={} default={}",
            if nullable == "YES" { "yes" } else { "no" },
            norm(Some(default))
        );
        if !generated.is_empty() {
            line.push_str(&format!(" generated={}", norm(Some(generated))));
        }
        lines.push(line);
    }
    let mut keys: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for row in rows(connection, KEYS).await? {
        if let [kind, table, name, column] = &row[..] {
            keys.entry((kind.clone(), table.clone(), name.clone()))
                .or_default()
                .push(column.clone());
        }
    }
    for ((kind, table, name), columns) in keys {
        let kind = if kind == "PRIMARY KEY" {
            "pk"
        } else {
            "unique"
        };
        lines.push(format!(
            "{kind} {table} name={name} columns=({})",
            columns.join(", ")
        ));
    }
    let mut indexes: BTreeMap<(String, String), (String, String, Vec<String>)> = BTreeMap::new();
    for row in rows(connection, INDEXES).await? {
        if let [table, name, unique, method, column, order, prefix] = &row[..] {
            let prefix = if prefix.is_empty() {
                String::new()
            } else {
                format!("({prefix})")
            };
            indexes
                .entry((table.clone(), name.clone()))
                .or_insert_with(|| (unique.clone(), method.to_ascii_lowercase(), Vec::new()))
                .2
                .push(format!("{column}{prefix}{order}"));
        }
    }
    for ((table, name), (unique, method, columns)) in indexes {
        lines.push(format!(
            "index {table}.{name} unique={unique} method={method} columns=({}) where=-",
            columns.join(", ")
        ));
    }
    let mut foreign: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for row in rows(connection, FOREIGN_KEYS).await? {
        if let [
            table,
            name,
            referenced,
            on_delete,
            on_update,
            column,
            referenced_column,
        ] = &row[..]
        {
            let key = foreign
                .entry((table.clone(), name.clone()))
                .or_insert_with(|| ForeignKey {
                    referenced: referenced.clone(),
                    on_delete: on_delete.clone(),
                    on_update: on_update.clone(),
                    columns: Vec::new(),
                    referenced_columns: Vec::new(),
                });
            key.columns.push(column.clone());
            key.referenced_columns.push(referenced_column.clone());
        }
    }
    for ((table, name), key) in foreign {
        lines.push(format!(
            "fk {table}({}) -> {}({}) on_delete={} on_update={} name={name}",
            key.columns.join(", "),
            key.referenced,
            key.referenced_columns.join(", "),
            key.on_delete,
            key.on_update
        ));
    }
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&mut *connection)
        .await
        .map_err(from_sqlx)?;
    let checks = if version.contains("MariaDB") {
        MARIADB_CHECKS
    } else {
        CHECKS
    };
    for row in rows(connection, checks).await? {
        if let [table, name, clause] = &row[..] {
            lines.push(format!(
                "check {table} name={name} expr=CHECK ({})",
                norm(Some(clause))
            ));
        }
    }
    for row in rows(connection, VIEWS).await? {
        if let [name, definition] = &row[..] {
            lines.push(format!("view {name} def={}", norm(Some(definition))));
        }
    }
    for row in rows(connection, TRIGGERS).await? {
        if let [table, name, timing, event, statement] = &row[..] {
            lines.push(format!(
                "trigger {table}.{name} def={timing} {event} {}",
                norm(Some(statement))
            ));
        }
    }
    Ok(finish_snapshot(
        lines.into_iter().map(|line| norm(Some(&line))).collect(),
    ))
}
