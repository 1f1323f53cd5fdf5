//! Typed upserts: a model inserted, or merged with the row it conflicts with on the columns tier
//! 3 names for its table (Prefect's `*_unique_upsert_columns`).

use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::models::Model;
use crate::models::crud::{column_list, quoted};
use crate::queries::components::Insert;

/// What an upsert does with a stored row that has the same upsert columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Keep the stored row as it is (Prefect's `on_conflict_do_nothing`, as in `create_flow`).
    DoNothing,
    /// Overwrite the stored row's columns with the new row's — all but its primary key and
    /// `created`, so that what refers to it keeps doing so (Prefect's `on_conflict_do_update`,
    /// as in `create_deployment`).
    DoUpdate,
}

impl DbInterface {
    /// Inserts `row`, or, when a stored row has the same upsert columns (tier 3's for `M`'s
    /// table: `flow(name)`, `deployment(flow_id, name)`, `concurrency_limit(tag)` …), keeps or
    /// updates that row as `on_conflict` says. Returns the row as stored, which is the stored
    /// row — its id, not `row`'s — when there was a conflict. One statement; a model whose
    /// table has no upsert columns is an [`Error::InvalidArgument`]. A NULL upsert column
    /// (`flow_run.idempotency_key`, `task_run.flow_run_id`) never conflicts — unique indexes
    /// hold NULLs distinct on both dialects — so such a row is always inserted.
    ///
    /// ```no_run
    /// # async fn example(db: &flowdb::DbInterface) -> flowdb::Result<()> {
    /// use flowdb::models::{Flow, OnConflict};
    ///
    /// let first = db.upsert(&Flow::new("etl"), OnConflict::DoNothing).await?;
    /// let again = db.upsert(&Flow::new("etl"), OnConflict::DoNothing).await?;
    /// assert_eq!(first.id, again.id);
    /// # Ok(()) }
    /// ```
    pub async fn upsert<M: Model>(&self, row: &M, on_conflict: OnConflict) -> Result<M> {
        let table = M::TABLE;
        let invalid = |reason: String| Error::InvalidArgument {
            operation: "upsert",
            argument: "row",
            reason,
        };
        let conflict = self
            .orm()
            .upsert_columns(table.name)
            .filter(|columns| !columns.is_empty())
            .ok_or_else(|| {
                invalid(format!(
                    "is a {} (table `{}`), which has no upsert columns in tier 3; insert it instead",
                    table.model, table.name
                ))
            })?;
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|column| column.name.to_owned())
            .collect();
        let update: Vec<String> = columns
            .iter()
            .filter(|column| {
                !conflict.contains(column)
                    && !table.primary_key.contains(&column.as_str())
                    && column.as_str() != "created"
            })
            .cloned()
            .collect();
        let mut statement = self
            .queries()
            .render_typed(&Insert {
                table: table.name.to_owned(),
                columns: columns.clone(),
                row_count: Some(1),
                on_conflict: Some(
                    match on_conflict {
                        OnConflict::DoNothing => "do_nothing",
                        OnConflict::DoUpdate => "do_update",
                    }
                    .to_owned(),
                ),
                conflict_columns: Some(conflict.clone()),
                update_columns: Some(update),
                returning: Some(columns),
            })?
            .into_statement()?;
        let values = row.values();
        statement.params = values.clone();
        let session = self.session().await?;
        let rows = session.fetch_all(&statement.sql, statement.params).await?;
        if let Some(stored) = rows.row(0) {
            return M::from_row(&stored);
        }
        // Nothing was written, so nothing returned: the stored row is the one with the same
        // upsert columns.
        let mut condition = Vec::new();
        let mut params = Vec::new();
        for column in &conflict {
            let index = table
                .columns
                .iter()
                .position(|meta| meta.name == column.as_str())
                .ok_or_else(|| {
                    invalid(format!(
                        "tier 3 names upsert column `{column}`, which {} does not have",
                        table.model
                    ))
                })?;
            params.push(values[index].clone());
            condition.push(format!("{} = ${}", quoted(column), params.len()));
        }
        let select = format!(
            "SELECT {} FROM {} WHERE {}",
            column_list(table),
            quoted(table.name),
            condition.join(" AND ")
        );
        let rows = session.fetch_all(&select, params).await?;
        let stored = rows.row(0).ok_or_else(|| {
            invalid(format!(
                "conflicted with a stored {} that was deleted before it could be read; try again",
                table.model
            ))
        })?;
        M::from_row(&stored)
    }
}
