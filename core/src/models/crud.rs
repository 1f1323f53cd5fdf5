//! Create, read, update and delete for any [`Model`], in SQL both dialects accept: quoted
//! identifiers and `$n` placeholders. How each value is stored is the plugin's business.

use std::fmt::Write as _;

use crate::config::{Session, Transaction};
use crate::error::Result;
use crate::models::{Model, TableMeta};
use crate::value::Value;

pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(crate) fn column_list(table: &TableMeta) -> String {
    table
        .columns
        .iter()
        .map(|column| quoted(column.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn key_condition(table: &TableMeta, first_placeholder: usize) -> String {
    let mut condition = String::new();
    for (offset, key) in table.primary_key.iter().enumerate() {
        if offset > 0 {
            condition.push_str(" AND ");
        }
        let _ = write!(
            condition,
            "{} = ${}",
            quoted(key),
            first_placeholder + offset
        );
    }
    condition
}

fn insert_sql(table: &TableMeta) -> String {
    let placeholders: Vec<String> = (1..=table.columns.len()).map(|n| format!("${n}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quoted(table.name),
        column_list(table),
        placeholders.join(", ")
    )
}

fn select_sql(table: &TableMeta) -> String {
    format!(
        "SELECT {} FROM {} WHERE {}",
        column_list(table),
        quoted(table.name),
        key_condition(table, 1)
    )
}

fn list_sql(table: &TableMeta) -> String {
    let order: Vec<String> = table.primary_key.iter().map(|key| quoted(key)).collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        column_list(table),
        quoted(table.name),
        order.join(", ")
    )
}

/// `UPDATE` every non-key column by primary key; the parameters are the non-key values in
/// column order, then the key values.
fn update_sql(table: &TableMeta) -> (String, Vec<usize>) {
    let mut assignments = Vec::new();
    let mut order = Vec::new();
    for (index, column) in table.columns.iter().enumerate() {
        if !table.primary_key.contains(&column.name) {
            order.push(index);
            assignments.push(format!("{} = ${}", quoted(column.name), order.len()));
        }
    }
    for key in table.primary_key {
        if let Some(index) = table.columns.iter().position(|column| column.name == *key) {
            order.push(index);
        }
    }
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        quoted(table.name),
        assignments.join(", "),
        key_condition(table, assignments.len() + 1)
    );
    (sql, order)
}

fn delete_sql(table: &TableMeta) -> String {
    format!(
        "DELETE FROM {} WHERE {}",
        quoted(table.name),
        key_condition(table, 1)
    )
}

/// The update statement and its parameters; for a table whose columns are all key columns
/// (`alembic_version`), nothing can change, so the statement only checks that the row exists.
fn update_params<M: Model>(row: &M) -> (String, Vec<Value>) {
    let table = M::TABLE;
    if table
        .columns
        .iter()
        .all(|column| table.primary_key.contains(&column.name))
    {
        let key = table
            .primary_key
            .iter()
            .map(|key| quoted(key))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE {} SET {key} = {key} WHERE {}",
            quoted(table.name),
            key_condition(table, 1)
        );
        return (sql, row.values());
    }
    let (sql, order) = update_sql(M::TABLE);
    let mut values: Vec<Option<Value>> = row.values().into_iter().map(Some).collect();
    let params = order
        .into_iter()
        .filter_map(|index| values.get_mut(index).and_then(Option::take))
        .collect();
    (sql, params)
}

impl Session {
    /// Inserts a row.
    pub async fn insert<M: Model>(&self, row: &M) -> Result<()> {
        self.execute(&insert_sql(M::TABLE), row.values())
            .await
            .map(|_| ())
    }

    /// The row with this primary key (values in key order), if there is one.
    pub async fn get<M: Model>(&self, key: Vec<Value>) -> Result<Option<M>> {
        let rows = self.fetch_all(&select_sql(M::TABLE), key).await?;
        rows.row(0).map(|row| M::from_row(&row)).transpose()
    }

    /// Every row, by primary key.
    pub async fn list<M: Model>(&self) -> Result<Vec<M>> {
        let rows = self.fetch_all(&list_sql(M::TABLE), vec![]).await?;
        rows.iter().map(|row| M::from_row(&row)).collect()
    }

    /// Writes every column of the row with the same primary key; false when there is none.
    pub async fn update<M: Model>(&self, row: &M) -> Result<bool> {
        let (sql, params) = update_params(row);
        Ok(self.execute(&sql, params).await? > 0)
    }

    /// Deletes the row with this primary key; false when there is none.
    pub async fn delete<M: Model>(&self, key: Vec<Value>) -> Result<bool> {
        Ok(self.execute(&delete_sql(M::TABLE), key).await? > 0)
    }
}

impl Transaction {
    /// Every row, by primary key.
    pub async fn list<M: Model>(&mut self) -> Result<Vec<M>> {
        let rows = self.fetch_all(&list_sql(M::TABLE), vec![]).await?;
        rows.iter().map(|row| M::from_row(&row)).collect()
    }

    /// Inserts a row.
    pub async fn insert<M: Model>(&mut self, row: &M) -> Result<()> {
        self.execute(&insert_sql(M::TABLE), row.values())
            .await
            .map(|_| ())
    }

    /// The row with this primary key (values in key order), if there is one.
    pub async fn get<M: Model>(&mut self, key: Vec<Value>) -> Result<Option<M>> {
        let rows = self.fetch_all(&select_sql(M::TABLE), key).await?;
        rows.row(0).map(|row| M::from_row(&row)).transpose()
    }

    /// Writes every column of the row with the same primary key; false when there is none.
    pub async fn update<M: Model>(&mut self, row: &M) -> Result<bool> {
        let (sql, params) = update_params(row);
        Ok(self.execute(&sql, params).await? > 0)
    }

    /// Deletes the row with this primary key; false when there is none.
    pub async fn delete<M: Model>(&mut self, key: Vec<Value>) -> Result<bool> {
        Ok(self.execute(&delete_sql(M::TABLE), key).await? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ColumnKind, ColumnMeta};

    const TABLE: TableMeta = TableMeta {
        name: "log",
        model: "Log",
        columns: &[
            ColumnMeta {
                name: "id",
                kind: ColumnKind::Uuid,
                nullable: false,
            },
            ColumnMeta {
                name: "timestamp",
                kind: ColumnKind::Timestamp,
                nullable: false,
            },
            ColumnMeta {
                name: "message",
                kind: ColumnKind::Text,
                nullable: false,
            },
        ],
        primary_key: &["id"],
        upsert_columns: &[],
    };

    #[test]
    fn statements_quote_identifiers_and_number_placeholders() {
        assert_eq!(
            insert_sql(&TABLE),
            r#"INSERT INTO "log" ("id", "timestamp", "message") VALUES ($1, $2, $3)"#
        );
        assert_eq!(
            select_sql(&TABLE),
            r#"SELECT "id", "timestamp", "message" FROM "log" WHERE "id" = $1"#
        );
        assert_eq!(
            update_sql(&TABLE),
            (
                r#"UPDATE "log" SET "timestamp" = $1, "message" = $2 WHERE "id" = $3"#.to_owned(),
                vec![1, 2, 0]
            )
        );
        assert_eq!(delete_sql(&TABLE), r#"DELETE FROM "log" WHERE "id" = $1"#);
        assert_eq!(
            list_sql(&TABLE),
            r#"SELECT "id", "timestamp", "message" FROM "log" ORDER BY "id""#
        );
    }
}
