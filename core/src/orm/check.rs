//! Schema drift (`flowdb database check`, like `alembic check`): how a live database differs
//! from what this build's migrations build and what its models declare.
//!
//! The expected schema is not a stored copy that could fall out of step: the check builds it,
//! by running the migrations to head in a scratch database of the same dialect (a temporary
//! file for SQLite, a throwaway database on the same server for PostgreSQL), snapshots both
//! through the plugin, and compares the snapshots line by line.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::config::DatabaseConfig;
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::models::{TableMeta, all_models};
use crate::orm::{BOOKKEEPING_TABLE, MigrationInfo};
use crate::settings::SecretString;

/// How a database differs from this build's migrations and models. Empty lists mean no drift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaDrift {
    /// This build's newest migration, the schema the database is compared with.
    pub head: Option<String>,
    /// Migrations this build has that the database has not recorded.
    pub pending: Vec<MigrationInfo>,
    /// Prefect's `alembic_version`, if the database has one. With nothing recorded by flowdb
    /// and no other drift, the database is Prefect's own, which `upgrade` adopts without DDL.
    pub alembic_revision: Option<String>,
    /// Snapshot lines the migrations build that the database lacks (or has otherwise).
    pub missing: Vec<String>,
    /// Snapshot lines the database has that the migrations do not build.
    pub unexpected: Vec<String>,
    /// Where a model and its live table disagree, one sentence each.
    pub model_mismatches: Vec<String>,
}

impl SchemaDrift {
    /// True when the schema is exactly what the migrations build at head, every migration is
    /// recorded and every model matches its table.
    pub fn is_clean(&self) -> bool {
        self.pending.is_empty()
            && self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.model_mismatches.is_empty()
    }
}

impl DbInterface {
    /// The live schema as the plugin's normalized snapshot lines (see
    /// `flowdb_plugin_sdk::schema`), sorted.
    pub async fn schema_snapshot(&self) -> Result<Vec<String>> {
        self.database().await?.schema_snapshot().await
    }

    /// Compares the live schema with the schema this build's migrations give at head (built in
    /// a scratch database that is dropped afterwards) and with the models.
    ///
    /// The scratch database needs the right to create one: a PostgreSQL role without
    /// `CREATEDB` gets [`Error::ScratchDatabase`].
    pub async fn check_schema(&self) -> Result<SchemaDrift> {
        let status = self.migration_status().await?;
        let live = comparable(self.schema_snapshot().await?);
        let expected = comparable(self.reference_snapshot().await?);

        let live_set: BTreeSet<&String> = live.iter().collect();
        let expected_set: BTreeSet<&String> = expected.iter().collect();
        Ok(SchemaDrift {
            head: status.head,
            pending: status.pending,
            alembic_revision: status.alembic_revision,
            missing: expected_set
                .difference(&live_set)
                .map(|line| (*line).clone())
                .collect(),
            unexpected: live_set
                .difference(&expected_set)
                .map(|line| (*line).clone())
                .collect(),
            model_mismatches: model_mismatches(&all_models(), &live),
        })
    }

    /// The snapshot of a scratch database migrated to head.
    async fn reference_snapshot(&self) -> Result<Vec<String>> {
        let file_based = self
            .plugin()
            .description()
            .capabilities
            .iter()
            .any(|capability| capability.as_str() == "file");
        let url = crate::url::scratch_url(self.config().url(), file_based, &scratch_name())?;
        let redacted = crate::url::redact_url(&url);
        let config = DatabaseConfig {
            connection_url: SecretString::new(url),
            // Snapshot lines name no schema, so the scratch database's default schema serves
            // whatever schema the live database uses (one the scratch database would lack).
            search_path: None,
            ..self.config().clone()
        };
        let scratch = Arc::new(DbInterface::uncached(config, Arc::clone(self.plugin()))?);
        // Armed before the database is created: a check cancelled while the server creates it
        // (the statement done, its answer not yet read) must still drop it.
        let mut guard = DropOnCancel(Some(Arc::clone(&scratch)));
        let created = scratch.create_database().await;
        if let Err(err) = created {
            guard.0 = None;
            return Err(Error::ScratchDatabase {
                url: redacted.clone(),
                reason: format!(
                    "{err}; checking needs the right to create a database there (PostgreSQL: a \
                     role with CREATEDB)"
                ),
            });
        }
        let built = async {
            scratch.upgrade("head").await?;
            scratch.schema_snapshot().await
        }
        .await;
        guard.0 = None;
        let dropped = scratch.drop_database().await;
        let snapshot = built.map_err(|err| Error::ScratchDatabase {
            url: redacted.clone(),
            reason: format!("building the schema at head failed: {err}"),
        })?;
        // The answer stands; only the leftover needs saying, where the operator will see it.
        if let Err(err) = dropped {
            tracing::error!(url = %redacted, error = %err, "could not drop the scratch database; drop it by hand");
        }
        Ok(snapshot)
    }
}

/// A name no other check uses: the process id, a per-process counter and the time (the counter
/// alone would repeat across processes that reuse a pid; the time alone can step back).
fn scratch_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_micros());
    format!(
        "flowdb_check_{}_{}_{micros}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Drops the scratch database if the check is cancelled midway (a host's timeout dropping the
/// future): the drop runs as a task on the current runtime. A process killed outright still
/// leaves it behind, named `flowdb_check_<pid>_…`.
struct DropOnCancel(Option<Arc<DbInterface>>);

impl Drop for DropOnCancel {
    fn drop(&mut self) {
        let Some(scratch) = self.0.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(err) = scratch.drop_database().await {
                        tracing::error!(error = %err, "could not drop the scratch database of a cancelled check");
                    }
                });
            }
            Err(_) => tracing::error!(
                url = %scratch.config().redacted_url(),
                "a cancelled check left its scratch database; drop it by hand"
            ),
        }
    }
}

impl SchemaDrift {
    /// True when the only difference is that flowdb has not adopted a database Prefect
    /// migrated: its schema is right, and `upgrade` records it without running any DDL.
    pub fn is_unadopted_prefect_database(&self) -> bool {
        self.alembic_revision.is_some()
            && !self.pending.is_empty()
            && self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.model_mismatches.is_empty()
    }
}

/// The lines worth comparing. Without flowdb's bookkeeping table: a database Prefect created
/// has none until flowdb adopts it, and that shows as pending migrations instead. Extension
/// versions are left out: they follow the server's packages (a `pg_upgrade`d database keeps an
/// older one), and no migration can change them.
fn comparable(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|line| match line.strip_prefix("extension ") {
            Some(rest) => format!("extension {}", rest.split(' ').next().unwrap_or_default()),
            None => line,
        })
        .filter(|line| {
            let object = line.split(' ').nth(1).unwrap_or_default();
            let table = object.split(['.', '(']).next().unwrap_or_default();
            table != BOOKKEEPING_TABLE
        })
        .collect()
}

/// A live column: whether it accepts NULL.
type LiveColumns = BTreeMap<String, BTreeMap<String, bool>>;

/// Reads the `table` and `column` lines of a snapshot.
fn live_columns(snapshot: &[String]) -> LiveColumns {
    let mut tables = LiveColumns::new();
    for line in snapshot {
        let mut words = line.split(' ');
        match (words.next(), words.next()) {
            (Some("table"), Some(table)) => {
                tables.entry(table.to_owned()).or_default();
            }
            (Some("column"), Some(qualified)) => {
                let Some((table, column)) = qualified.split_once('.') else {
                    continue;
                };
                // A column the database computes (MySQL's stand-in for an expression index)
                // is never written or read by a model: the models cannot miss it.
                if line.contains(" generated=") {
                    continue;
                }
                let nullable = words.any(|word| word == "nullable=yes");
                tables
                    .entry(table.to_owned())
                    .or_default()
                    .insert(column.to_owned(), nullable);
            }
            _ => {}
        }
    }
    tables
}

/// Where the models and a live schema snapshot disagree, one sentence each.
pub(crate) fn model_mismatches_of(snapshot: &[String]) -> Vec<String> {
    model_mismatches(&all_models(), &comparable(snapshot.to_vec()))
}

/// Every disagreement between the models and the live tables: a missing table or column, a
/// column no field maps, a nullability that differs.
fn model_mismatches(models: &[&'static TableMeta], snapshot: &[String]) -> Vec<String> {
    let live = live_columns(snapshot);
    let mut mismatches = Vec::new();
    for model in models {
        let Some(columns) = live.get(model.name) else {
            mismatches.push(format!(
                "model {}: table {} is missing from the database",
                model.model, model.name
            ));
            continue;
        };
        for column in model.columns {
            match columns.get(column.name) {
                None => mismatches.push(format!(
                    "model {}: column {}.{} is missing from the database",
                    model.model, model.name, column.name
                )),
                Some(&nullable) if nullable != column.nullable => mismatches.push(format!(
                    "model {}: column {}.{} is {} in the database but {} in the model",
                    model.model,
                    model.name,
                    column.name,
                    if nullable { "nullable" } else { "NOT NULL" },
                    if column.nullable {
                        "optional"
                    } else {
                        "required"
                    },
                )),
                Some(_) => {}
            }
        }
        for name in columns.keys() {
            if model.column(name).is_none() {
                mismatches.push(format!(
                    "model {}: column {}.{name} in the database has no field in the model",
                    model.model, model.name
                ));
            }
        }
    }
    mismatches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ColumnKind, ColumnMeta};

    static FLOW: TableMeta = TableMeta {
        name: "flow",
        model: "Flow",
        columns: &[
            ColumnMeta {
                name: "id",
                kind: ColumnKind::Uuid,
                nullable: false,
            },
            ColumnMeta {
                name: "labels",
                kind: ColumnKind::Json,
                nullable: true,
            },
        ],
        primary_key: &["id"],
        upsert_columns: &[],
    };

    static GONE: TableMeta = TableMeta {
        name: "gone",
        model: "Gone",
        columns: &[],
        primary_key: &[],
        upsert_columns: &[],
    };

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn models_are_compared_with_table_and_column_lines() {
        let snapshot = lines(
            "table flow\n\
             column flow.id type=uuid nullable=yes default=NULL\n\
             column flow.extra type=text nullable=yes default=NULL\n\
             index flow.ix unique=false method=btree columns=(id) where=-",
        );
        assert_eq!(
            model_mismatches(&[&FLOW, &GONE], &snapshot),
            [
                "model Flow: column flow.id is nullable in the database but required in the model",
                "model Flow: column flow.labels is missing from the database",
                "model Flow: column flow.extra in the database has no field in the model",
                "model Gone: table gone is missing from the database",
            ]
        );
    }

    #[test]
    fn bookkeeping_lines_and_extension_versions_are_left_out() {
        let kept = comparable(lines(
            "table flowdb_migrations\n\
             column flowdb_migrations.version type=x nullable=no default=NULL\n\
             fk flowdb_migrations(a) -> b(c) on_delete=CASCADE on_update=NO ACTION name=-\n\
             table flow\n\
             fk flow(a) -> flowdb_migrations(c) on_delete=CASCADE on_update=NO ACTION name=-\n\
             extension pg_trgm version=1.6",
        ));
        assert_eq!(
            kept,
            [
                "table flow",
                "fk flow(a) -> flowdb_migrations(c) on_delete=CASCADE on_update=NO ACTION name=-",
                "extension pg_trgm",
            ]
        );
    }
}
