//! The migration engine: applies the plugin's migration set (tier 3) to a database.
//!
//! Each migration runs in a transaction of its own, which first takes the migration lock
//! (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock the plugin names), then re-reads what
//! is applied — so two processes upgrading one database at once take turns, and a process killed
//! mid-upgrade leaves the last migration either applied or not, never half. What is applied is
//! kept in [`BOOKKEEPING_TABLE`] with each migration's checksum, so a migration file edited after
//! it was applied is detected. A migration whose script declares `-- alembic_revision: <rev>`
//! also stamps Prefect's `alembic_version`, so Prefect accepts the database; a database Prefect
//! itself migrated to such a revision is adopted without re-running anything.

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{Database, Transaction};
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::params;

/// The table where flowdb records the migrations applied to a database.
pub const BOOKKEEPING_TABLE: &str = "flowdb_migrations";

const BOOKKEEPING_DDL: &str = "CREATE TABLE IF NOT EXISTS flowdb_migrations (\
     version VARCHAR(14) NOT NULL PRIMARY KEY, \
     name VARCHAR(255) NOT NULL, \
     checksum VARCHAR(64) NOT NULL, \
     applied_at VARCHAR(40) NOT NULL)";

/// Why migrating cannot go ahead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// An applied migration's file changed afterwards.
    #[error(
        "migration {version} ({name}) was changed after it was applied to this database \
         (checksum {applied} there, {current} in this build); restore the original migration and \
         put the change in a new one (`flowdb database revision`)"
    )]
    Edited {
        /// The migration's version.
        version: String,
        /// Its name.
        name: String,
        /// The checksum recorded when it was applied.
        applied: String,
        /// The checksum of the migration in this build.
        current: String,
    },
    /// The database has a migration this build does not know.
    #[error(
        "the database is at migration {database}, which this build of flowdb does not know (its newest \
         is {head}); use the flowdb build that applied it, or downgrade the database with that build"
    )]
    NewerDatabase {
        /// The unknown applied migration.
        database: String,
        /// This build's newest migration.
        head: String,
    },
    /// Prefect migrated the database to a revision flowdb cannot adopt.
    #[error(
        "the database was migrated by Prefect to alembic revision {revision}, which flowdb cannot adopt: it \
         adopts only {adoptable}; bring the database to that revision with Prefect first"
    )]
    ForeignRevision {
        /// The database's alembic revision.
        revision: String,
        /// The revisions flowdb can adopt.
        adoptable: String,
    },
    /// A target that names no migration.
    #[error("unknown migration `{target}`: use `base`, `head` or one of {known}")]
    UnknownTarget {
        /// What was asked for.
        target: String,
        /// The known versions.
        known: String,
    },
}

/// A migration of the plugin's set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationInfo {
    /// Its version, `yyyymmddhhmmss`.
    pub version: String,
    /// Its name.
    pub name: String,
    /// The Prefect (alembic) revision the schema is at once it is applied, if it declares one.
    pub alembic_revision: Option<String>,
    /// SHA-256 of its up and down scripts.
    pub checksum: String,
    #[serde(skip)]
    up_sql: String,
    #[serde(skip)]
    down_sql: String,
}

/// What the engine is doing, for a progress display.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum MigrationProgress<'a> {
    /// About to apply a migration.
    Applying(&'a MigrationInfo),
    /// About to revert a migration.
    Reverting(&'a MigrationInfo),
    /// The migration just applied or reverted is committed.
    Done(&'a MigrationInfo, std::time::Duration),
}

/// A migration recorded as applied in a database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedMigration {
    /// Its version.
    pub version: String,
    /// Its name.
    pub name: String,
    /// The checksum recorded when it was applied.
    pub checksum: String,
    /// When it was applied (RFC 3339, UTC).
    pub applied_at: String,
}

/// Where a database stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationStatus {
    /// The newest applied migration, if any.
    pub current: Option<String>,
    /// This build's newest migration, if it has any.
    pub head: Option<String>,
    /// Every applied migration, oldest first.
    pub applied: Vec<AppliedMigration>,
    /// Migrations this build would apply on upgrade, oldest first.
    pub pending: Vec<MigrationInfo>,
    /// The revision in Prefect's `alembic_version` table, if there is one.
    pub alembic_revision: Option<String>,
}

fn checksum(up: &str, down: &str) -> String {
    let digest = Sha256::new()
        .chain_update(up)
        .chain_update("\n-- down --\n")
        .chain_update(down)
        .finalize();
    digest
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn declared_alembic_revision(up_sql: &str) -> Option<String> {
    up_sql
        .lines()
        .take_while(|line| line.starts_with("--") || line.trim().is_empty())
        .find_map(|line| {
            line.trim_start_matches('-')
                .trim()
                .strip_prefix("alembic_revision:")
        })
        .map(|revision| revision.trim().to_owned())
        .filter(|revision| !revision.is_empty())
}

/// Reads a table that may not exist: "no such table" (SQLite) or "relation does not exist"
/// (PostgreSQL) for `table` reads as `None`; any other error is an error.
async fn optional_rows(
    database: &Database,
    table: &str,
    sql: &str,
) -> Result<Option<crate::value::Rows>> {
    match database.fetch_all(sql, vec![]).await {
        Ok(rows) => Ok(Some(rows)),
        Err(err) => {
            let missing_table = matches!(
                err.kind(),
                Some(crate::ErrorKind::NOT_FOUND | crate::ErrorKind::DATABASE)
            ) && err.to_string().contains(table)
                && (err.to_string().contains("no such table")
                    || err.to_string().contains("does not exist")
                    // MySQL and MariaDB: "Table 'db.t' doesn't exist" (error 1146).
                    || err.to_string().contains("doesn't exist"));
            if missing_table { Ok(None) } else { Err(err) }
        }
    }
}

async fn read_applied(transaction: &mut Transaction) -> Result<Vec<AppliedMigration>> {
    let rows = transaction
        .fetch_all(
            "SELECT version, name, checksum, applied_at FROM flowdb_migrations ORDER BY version",
            vec![],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AppliedMigration {
                version: row.get("version")?,
                name: row.get("name")?,
                checksum: row.get("checksum")?,
                applied_at: row.get("applied_at")?,
            })
        })
        .collect()
}

async fn set_alembic_revision(transaction: &mut Transaction, revision: &str) -> Result<()> {
    transaction
        .execute("DELETE FROM alembic_version", vec![])
        .await?;
    transaction
        .execute(
            "INSERT INTO alembic_version (version_num) VALUES ($1)",
            params![revision],
        )
        .await?;
    Ok(())
}

async fn record(transaction: &mut Transaction, migration: &MigrationInfo) -> Result<()> {
    transaction
        .execute(
            "INSERT INTO flowdb_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            params![&migration.version, &migration.name, &migration.checksum, chrono::Utc::now().to_rfc3339()],
        )
        .await?;
    Ok(())
}

impl DbInterface {
    /// The plugin's migration set, oldest first.
    pub fn migration_history(&self) -> Vec<MigrationInfo> {
        let mut migrations: Vec<MigrationInfo> = self
            .orm()
            .migrations()
            .into_iter()
            .map(|migration| {
                let (up_sql, down_sql) = (
                    migration.up_sql.into_string(),
                    migration.down_sql.into_string(),
                );
                MigrationInfo {
                    version: migration.revision.into_string(),
                    name: migration.name.into_string(),
                    alembic_revision: declared_alembic_revision(&up_sql),
                    checksum: checksum(&up_sql, &down_sql),
                    up_sql,
                    down_sql,
                }
            })
            .collect();
        migrations.sort_by(|a, b| a.version.cmp(&b.version));
        migrations
    }

    /// `base`, `head` or a known version, as the version to stop at (`None` for base).
    fn resolve_target(&self, known: &[MigrationInfo], target: &str) -> Result<Option<String>> {
        match target {
            "base" => Ok(None),
            "head" => Ok(known.last().map(|migration| migration.version.clone())),
            version if known.iter().any(|migration| migration.version == version) => {
                Ok(Some(version.to_owned()))
            }
            other => Err(MigrationError::UnknownTarget {
                target: other.to_owned(),
                known: known
                    .iter()
                    .map(|m| m.version.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
            .into()),
        }
    }

    /// Opens a migration transaction: the write lock, the bookkeeping table, what is applied,
    /// checked against this build.
    async fn begin_migration(
        &self,
        database: &Database,
        known: &[MigrationInfo],
    ) -> Result<(Transaction, Vec<AppliedMigration>)> {
        let mut transaction = database.begin(true).await?;
        if let Some(lock) = self.orm().migration_lock_sql() {
            transaction.execute_script(&lock).await?;
        }
        transaction.execute(BOOKKEEPING_DDL, vec![]).await?;
        let applied = read_applied(&mut transaction).await?;
        for migration in &applied {
            match known
                .iter()
                .find(|candidate| candidate.version == migration.version)
            {
                None => {
                    return Err(MigrationError::NewerDatabase {
                        database: migration.version.clone(),
                        head: known
                            .last()
                            .map_or_else(|| "none".to_owned(), |m| m.version.clone()),
                    }
                    .into());
                }
                Some(candidate) if candidate.checksum != migration.checksum => {
                    return Err(MigrationError::Edited {
                        version: migration.version.clone(),
                        name: migration.name.clone(),
                        applied: migration.checksum.clone(),
                        current: candidate.checksum.clone(),
                    }
                    .into());
                }
                Some(_) => {}
            }
        }
        Ok((transaction, applied))
    }

    /// Adopts a database that Prefect migrated: when nothing is recorded as applied but
    /// `alembic_version` names a revision one of our migrations declares, every migration up to
    /// that one is recorded as applied, without running it.
    async fn adopt_prefect_database(
        &self,
        database: &Database,
        known: &[MigrationInfo],
    ) -> Result<()> {
        let recorded = optional_rows(
            database,
            BOOKKEEPING_TABLE,
            "SELECT count(*) AS n FROM flowdb_migrations",
        )
        .await?;
        if recorded
            .as_ref()
            .and_then(|rows| rows.row(0))
            .map(|row| row.get::<i64>("n"))
            .transpose()?
            .unwrap_or(0)
            > 0
        {
            return Ok(());
        }
        let Some(rows) = optional_rows(
            database,
            "alembic_version",
            "SELECT version_num FROM alembic_version",
        )
        .await?
        else {
            return Ok(());
        };
        let Some(row) = rows.row(0) else {
            return Ok(());
        };
        let revision: String = row.get("version_num")?;
        let Some(position) = known
            .iter()
            .rposition(|m| m.alembic_revision.as_deref() == Some(revision.as_str()))
        else {
            let adoptable: Vec<&str> = known
                .iter()
                .filter_map(|m| m.alembic_revision.as_deref())
                .collect();
            return Err(MigrationError::ForeignRevision {
                revision,
                adoptable: if adoptable.is_empty() {
                    "none".to_owned()
                } else {
                    adoptable.join(", ")
                },
            }
            .into());
        };
        let (mut transaction, applied) = self.begin_migration(database, known).await?;
        if applied.is_empty() {
            for migration in &known[..=position] {
                record(&mut transaction, migration).await?;
            }
            tracing::info!(revision = %revision, "adopted a database migrated by Prefect");
        }
        transaction.commit().await
    }

    /// Applies every pending migration up to `target` (`head`, or a version), each in its own
    /// transaction. Returns the migrations applied now.
    pub async fn upgrade(&self, target: &str) -> Result<Vec<MigrationInfo>> {
        self.upgrade_with_progress(target, &|_| {}).await
    }

    /// [`upgrade`](Self::upgrade), telling `progress` about each migration as it goes.
    pub async fn upgrade_with_progress(
        &self,
        target: &str,
        progress: &(dyn Fn(MigrationProgress<'_>) + Sync),
    ) -> Result<Vec<MigrationInfo>> {
        let known = self.migration_history();
        let Some(target) = self.resolve_target(&known, target)? else {
            return Ok(Vec::new());
        };
        let database = self.database().await?;
        self.adopt_prefect_database(&database, &known).await?;
        let mut done = Vec::new();
        loop {
            let (mut transaction, applied) = self.begin_migration(&database, &known).await?;
            let next = known
                .iter()
                .filter(|m| m.version <= target)
                .find(|m| !applied.iter().any(|a| a.version == m.version));
            let Some(next) = next else {
                transaction.commit().await?;
                return Ok(done);
            };
            tracing::info!(version = %next.version, name = %next.name, "applying migration");
            progress(MigrationProgress::Applying(next));
            let started = std::time::Instant::now();
            transaction.execute_script(&next.up_sql).await?;
            record(&mut transaction, next).await?;
            if let Some(revision) = &next.alembic_revision {
                set_alembic_revision(&mut transaction, revision).await?;
            }
            transaction.commit().await?;
            progress(MigrationProgress::Done(next, started.elapsed()));
            done.push(next.clone());
        }
    }

    /// Reverts applied migrations newer than `target` (`base`, or a version), newest first,
    /// each in its own transaction. Returns the migrations reverted now.
    pub async fn downgrade(&self, target: &str) -> Result<Vec<MigrationInfo>> {
        self.downgrade_with_progress(target, &|_| {}).await
    }

    /// [`downgrade`](Self::downgrade), telling `progress` about each migration as it goes.
    pub async fn downgrade_with_progress(
        &self,
        target: &str,
        progress: &(dyn Fn(MigrationProgress<'_>) + Sync),
    ) -> Result<Vec<MigrationInfo>> {
        let known = self.migration_history();
        let target = self.resolve_target(&known, target)?;
        let database = self.database().await?;
        let mut done = Vec::new();
        loop {
            let (mut transaction, applied) = self.begin_migration(&database, &known).await?;
            let newest = applied
                .iter()
                .rev()
                .find(|a| target.as_deref().is_none_or(|t| a.version.as_str() > t));
            let Some(migration) =
                newest.and_then(|a| known.iter().find(|m| m.version == a.version))
            else {
                transaction.commit().await?;
                return Ok(done);
            };
            tracing::info!(version = %migration.version, name = %migration.name, "reverting migration");
            progress(MigrationProgress::Reverting(migration));
            let started = std::time::Instant::now();
            transaction.execute_script(&migration.down_sql).await?;
            transaction
                .execute(
                    "DELETE FROM flowdb_migrations WHERE version = $1",
                    params![&migration.version],
                )
                .await?;
            let remaining_revision = known
                .iter()
                .filter(|m| {
                    m.version < migration.version && applied.iter().any(|a| a.version == m.version)
                })
                .filter_map(|m| m.alembic_revision.as_deref())
                .next_back();
            if let Some(revision) = remaining_revision {
                set_alembic_revision(&mut transaction, revision).await?;
            }
            transaction.commit().await?;
            progress(MigrationProgress::Done(migration, started.elapsed()));
            done.push(migration.clone());
        }
    }

    /// Records the database as being exactly at `target` without running anything.
    pub async fn stamp(&self, target: &str) -> Result<()> {
        let known = self.migration_history();
        let target = self.resolve_target(&known, target)?;
        let database = self.database().await?;
        let (mut transaction, applied) = self.begin_migration(&database, &known).await?;
        transaction
            .execute("DELETE FROM flowdb_migrations", vec![])
            .await?;
        let wanted: Vec<&MigrationInfo> = known
            .iter()
            .filter(|m| target.as_deref().is_some_and(|t| m.version.as_str() <= t))
            .collect();
        for migration in &wanted {
            let keep = applied.iter().find(|a| a.version == migration.version);
            match keep {
                Some(previous) => {
                    transaction
                        .execute(
                            "INSERT INTO flowdb_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                            params![&previous.version, &previous.name, &previous.checksum, &previous.applied_at],
                        )
                        .await?;
                }
                None => record(&mut transaction, migration).await?,
            }
        }
        transaction.commit().await
    }

    /// Where the database stands against this build's migrations.
    pub async fn migration_status(&self) -> Result<MigrationStatus> {
        let known = self.migration_history();
        let database = self.database().await?;
        let applied = match optional_rows(
            &database,
            BOOKKEEPING_TABLE,
            "SELECT version, name, checksum, applied_at FROM flowdb_migrations ORDER BY version",
        )
        .await?
        {
            None => Vec::new(),
            Some(rows) => rows
                .iter()
                .map(|row| {
                    Ok(AppliedMigration {
                        version: row.get("version")?,
                        name: row.get("name")?,
                        checksum: row.get("checksum")?,
                        applied_at: row.get("applied_at")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let alembic_revision = match optional_rows(
            &database,
            "alembic_version",
            "SELECT version_num FROM alembic_version",
        )
        .await?
        {
            Some(rows) => rows
                .row(0)
                .map(|row| row.get::<String>("version_num"))
                .transpose()?,
            None => None,
        };
        let pending = known
            .iter()
            .filter(|m| !applied.iter().any(|a| a.version == m.version))
            .cloned()
            .collect();
        Ok(MigrationStatus {
            current: applied.last().map(|a| a.version.clone()),
            head: known.last().map(|m| m.version.clone()),
            applied,
            pending,
            alembic_revision,
        })
    }

    /// What a server does as it starts: upgrade to head when the settings ask for it
    /// (`PREFECT_SERVER_DATABASE_MIGRATE_ON_START` / `PREFECT_API_DATABASE_MIGRATE_ON_START`,
    /// default true), as Prefect's API server does. Returns the migrations applied.
    pub async fn migrate_on_start(
        &self,
        settings: &crate::settings::Settings,
    ) -> Result<Vec<MigrationInfo>> {
        if settings.database.migrate_on_start {
            self.upgrade("head").await
        } else {
            tracing::info!("migrate_on_start is off: not upgrading the database");
            Ok(Vec::new())
        }
    }

    /// Reverts every migration, then applies them all again: an empty schema at head.
    /// Destructive: every row is lost.
    pub async fn reset(&self) -> Result<Vec<MigrationInfo>> {
        self.downgrade("base").await?;
        self.upgrade("head").await
    }
}

impl From<MigrationError> for Error {
    fn from(err: MigrationError) -> Error {
        Error::Migration(err)
    }
}
