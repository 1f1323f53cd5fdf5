//! `flowdb bench`: what the plugin boundary costs.
//!
//! Each operation runs through the loaded plugin (`flowdb::Database`: FFI, the plugin's own
//! runtime, the panic guard) and through the very same plugin code linked into this binary as a
//! plain crate and polled on this binary's runtime. Rounds alternate between the two, and the
//! report gives each side's median ops/s and their ratio (plugin / static) — a ratio of 1.0
//! means the boundary is free.

mod soak;
mod workloads;

use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use flowdb::plugin::{PluginRegistry, SearchPath};
use flowdb::value::{IntoValue, Rows, Value};
use flowdb::{Database, DatabaseConfig, DbInterface, Statement};
use flowdb_plugin_mysql::MySqlDialect;
use flowdb_plugin_postgres::PgDialect;
use flowdb_plugin_sdk::abi::ValueNE;
use flowdb_plugin_sdk::{Dialect, Pool, Transaction};
use flowdb_plugin_sqlite::SqliteDialect;
use serde::Serialize;

/// Prefect's orchestration workloads, and the plugin boundary against the same plugin code linked statically.
#[derive(Debug, Parser)]
#[command(name = "flowdb bench")]
struct Args {
    /// Which dialects: sqlite, postgres, mysql, or all. (mysql runs the workloads and the
    /// soak; the plugin-versus-static operations and migration timings are SQLite's and
    /// PostgreSQL's.)
    #[arg(long, default_value = "all")]
    dialect: String,
    /// The PostgreSQL server (a database of its own is created on it and dropped afterwards).
    #[arg(
        long,
        env = "FLOWDB_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// The MariaDB/MySQL server (a database of its own is created on it and dropped
    /// afterwards).
    #[arg(
        long,
        env = "FLOWDB_TEST_MYSQL_URL",
        default_value = "mysql://root@127.0.0.1:3306/test"
    )]
    mysql_url: String,
    /// Rounds per operation; each round measures both sides.
    #[arg(long, default_value_t = 7)]
    rounds: usize,
    /// Multiplies the operations per round.
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Only the operations whose name contains this (`round`, `insert`, `fetch`).
    #[arg(long)]
    operation: Option<String>,
    /// Measure only one side (`plugin` or `static`), e.g. under a profiler.
    #[arg(long)]
    only: Option<String>,
    /// Print a JSON document.
    #[arg(long)]
    json: bool,
    /// The orchestration workloads to run (comma-separated names or prefixes such as
    /// `a1,c2`; `all`; `none`), on a fresh database per dialect.
    #[arg(long, default_value = "all")]
    workloads: String,
    /// Runs created by each create workload (Prefect's benchmark: 2000).
    #[arg(long, default_value_t = 2000)]
    n: usize,
    /// Reads made by each read workload (Prefect's benchmark: 200).
    #[arg(long, default_value_t = 200)]
    r: usize,
    /// Skip the plugin-versus-static operations and the migration timings.
    #[arg(long)]
    workloads_only: bool,
    /// Keep the workload databases afterwards (their URLs are printed), to look at the data or
    /// replay a query under `EXPLAIN`.
    #[arg(long)]
    keep: bool,
    /// Look for plugins here first.
    #[arg(long = "plugin-path")]
    plugin_paths: Vec<PathBuf>,
    /// Run only the soak: `--clients` clients run a mix of the hot path (create, poll and
    /// claim, move claimed runs on, read, history) for this long (`90s`, `5m`, `1h`) on a
    /// fresh database per dialect, then an audit of every acknowledged run. Exits non-zero
    /// on any error or a failed audit.
    #[arg(long, value_parser = soak::parse_duration)]
    soak: Option<Duration>,
    /// Concurrent clients of the soak.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// How often the soak prints a line of figures.
    #[arg(long, value_parser = soak::parse_duration, default_value = "10s")]
    soak_window: Duration,
}

#[derive(Debug, Serialize)]
struct Measurement {
    dialect: &'static str,
    operation: &'static str,
    ops_per_round: usize,
    plugin_ops_per_sec: f64,
    static_ops_per_sec: f64,
    ratio: f64,
}

/// The operations, written once against either side.
trait Side: Sync {
    fn fetch(
        &self,
        sql: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = anyhow::Result<Rows>> + Send;
    fn insert_in_transaction(
        &self,
        sql: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
    fn insert_unit_of_work(
        &self,
        sql: &str,
        params: Vec<Value>,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

impl Side for Database {
    async fn fetch(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<Rows> {
        Ok(self.fetch_all(sql, params).await?)
    }

    async fn insert_in_transaction(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<()> {
        let mut transaction = self.begin(false).await?;
        transaction.execute(sql, params).await?;
        Ok(transaction.commit().await?)
    }

    async fn insert_unit_of_work(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<()> {
        self.run_unit_of_work(vec![Statement::new(sql, params)], false)
            .await?;
        Ok(())
    }
}

/// The plugin's pool type, called directly.
struct Static<P>(P);

fn abi_statement(sql: &str, params: Vec<Value>) -> flowdb_plugin_sdk::abi::Statement {
    flowdb_plugin_sdk::abi::Statement {
        sql: sql.into(),
        params: params.into_iter().map(ValueNE::new).collect(),
    }
}

impl<P: Pool> Side for Static<P> {
    async fn fetch(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<Rows> {
        Ok(Rows::new(
            self.0.fetch_all(abi_statement(sql, params)).await?,
        ))
    }

    async fn insert_in_transaction(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<()> {
        let mut transaction = self.0.begin(false).await?;
        transaction.execute(abi_statement(sql, params)).await?;
        Ok(transaction.commit().await?)
    }

    async fn insert_unit_of_work(&self, sql: &str, params: Vec<Value>) -> anyhow::Result<()> {
        let work = flowdb_plugin_sdk::abi::UnitOfWork {
            statements: vec![abi_statement(sql, params)].into(),
            with_for_update: false,
            independent: false,
        };
        self.0.run_unit_of_work(work).await?;
        Ok(())
    }
}

/// Reads every value of every row, so both sides do the same work with the result.
fn consume(rows: &Rows) -> anyhow::Result<i64> {
    let mut checksum = 0_i64;
    for row in rows.iter() {
        checksum = checksum.wrapping_add(row.get::<i64>("count")?);
        checksum = checksum.wrapping_add(row.get::<String>("name")?.len() as i64);
        let _: Value = row.get("id")?;
        let _: Value = row.get("created")?;
        let _: Value = row.get("payload")?;
    }
    Ok(checksum)
}

#[derive(Clone, Copy)]
enum Operation {
    RoundTrip,
    InsertTransaction,
    InsertUnitOfWork,
    Fetch10k,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::RoundTrip => "round trip (select 1)",
            Operation::InsertTransaction => "insert 1 row (begin/insert/commit)",
            Operation::InsertUnitOfWork => "insert 1 row (unit of work)",
            Operation::Fetch10k => "fetch 10k rows",
        }
    }

    fn ops(self, scale: f64) -> usize {
        let base = match self {
            Operation::RoundTrip => 3000.0,
            Operation::InsertTransaction | Operation::InsertUnitOfWork => 1000.0,
            Operation::Fetch10k => 20.0,
        };
        ((base * scale) as usize).max(1)
    }
}

struct Sql {
    insert: &'static str,
}

async fn run_batch(
    side: &impl Side,
    operation: Operation,
    ops: usize,
    sql: &Sql,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    for _ in 0..ops {
        match operation {
            Operation::RoundTrip => {
                side.fetch("select 1 as one", vec![]).await?;
            }
            Operation::InsertTransaction => {
                side.insert_in_transaction(sql.insert, insert_params())
                    .await?
            }
            Operation::InsertUnitOfWork => {
                side.insert_unit_of_work(sql.insert, insert_params())
                    .await?
            }
            Operation::Fetch10k => {
                let rows = side
                    .fetch(
                        "select id, name, count, created, payload from bench_fetch",
                        vec![],
                    )
                    .await?;
                anyhow::ensure!(
                    rows.len() == 10_000,
                    "expected 10,000 rows, got {}",
                    rows.len()
                );
                std::hint::black_box(consume(&rows)?);
            }
        }
    }
    Ok(ops as f64 / started.elapsed().as_secs_f64())
}

fn insert_params() -> Vec<Value> {
    vec![
        uuid::Uuid::new_v4().into_value(),
        "a flow run name".into_value(),
        42_i64.into_value(),
        chrono::Utc::now().into_value(),
    ]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn measure(
    dialect: &'static str,
    plugin: &Database,
    linked: &impl Side,
    sql: &Sql,
    args: &Args,
) -> anyhow::Result<Vec<Measurement>> {
    let mut measurements = Vec::new();
    for operation in [
        Operation::RoundTrip,
        Operation::InsertTransaction,
        Operation::InsertUnitOfWork,
        Operation::Fetch10k,
    ] {
        if args
            .operation
            .as_deref()
            .is_some_and(|wanted| !operation.name().contains(wanted))
        {
            continue;
        }
        let ops = operation.ops(args.scale);
        // Warm both sides: connections open, statements prepared.
        run_batch(plugin, operation, ops.div_ceil(10), sql).await?;
        run_batch(linked, operation, ops.div_ceil(10), sql).await?;
        let (mut through_plugin, mut linked_in) = (Vec::new(), Vec::new());
        for round in 0..args.rounds.max(1) {
            // Alternate which side goes first, so drift over time hits both alike.
            if let Some(only) = args.only.as_deref() {
                let side_ops = if only == "static" {
                    run_batch(linked, operation, ops, sql).await?
                } else {
                    run_batch(plugin, operation, ops, sql).await?
                };
                through_plugin.push(side_ops);
                linked_in.push(side_ops);
            } else if round % 2 == 0 {
                through_plugin.push(run_batch(plugin, operation, ops, sql).await?);
                linked_in.push(run_batch(linked, operation, ops, sql).await?);
            } else {
                linked_in.push(run_batch(linked, operation, ops, sql).await?);
                through_plugin.push(run_batch(plugin, operation, ops, sql).await?);
            }
        }
        let (plugin_ops, static_ops) = (median(through_plugin), median(linked_in));
        measurements.push(Measurement {
            dialect,
            operation: operation.name(),
            ops_per_round: ops,
            plugin_ops_per_sec: plugin_ops,
            static_ops_per_sec: static_ops,
            ratio: plugin_ops / static_ops,
        });
    }
    Ok(measurements)
}

async fn prepare(database: &Database, create: &str, insert_fetch_rows: &str) -> anyhow::Result<()> {
    database.execute(create, vec![]).await?;
    database
        .execute(
            "create table bench_fetch as select * from bench_rows where 1 = 0",
            vec![],
        )
        .await?;
    database.execute(insert_fetch_rows, vec![]).await?;
    Ok(())
}

const SQLITE_SETUP: (&str, &str) = (
    "create table bench_rows (id char(36) primary key, name varchar not null, count integer not null, created timestamp not null, payload varchar)",
    "insert into bench_fetch (id, name, count, created, payload) \
     with recursive n(i) as (select 1 union all select i + 1 from n where i < 10000) \
     select printf('00000000-0000-4000-8000-%012d', i), 'flow run ' || i, i, '2026-11-25 12:00:00.000000', 'payload ' || i from n",
);

const POSTGRES_SETUP: (&str, &str) = (
    "create table bench_rows (id uuid primary key, name varchar not null, count bigint not null, created timestamptz not null, payload varchar)",
    "insert into bench_fetch (id, name, count, created, payload) \
     select ('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'flow run ' || i, i, now(), 'payload ' || i \
     from generate_series(1, 10000) as i",
);

async fn bench_dialect<D: Dialect>(
    dialect: &'static str,
    url: &str,
    setup: (&str, &str),
    registry: &PluginRegistry,
    args: &Args,
) -> anyhow::Result<Vec<Measurement>> {
    let config = DatabaseConfig::new(url);
    let interface = DbInterface::with_registry(config.clone(), registry)?;
    let plugin = interface
        .database()
        .await
        .with_context(|| format!("opening {}", config.redacted_url()))?;
    prepare(&plugin, setup.0, setup.1).await?;
    let linked = Static(D::connect(config.connect_options()).await?);
    let sql = Sql {
        insert: "insert into bench_rows (id, name, count, created) values ($1, $2, $3, $4)",
    };
    let measurements = measure(dialect, &plugin, &linked, &sql, args).await;
    linked.0.close().await;
    plugin.close().await;
    measurements
}

/// The server's own ceiling for one-row commits: one-row inserts in autocommit (one insert and
/// its commit per round trip) through the plugin's code linked statically, no boundary.
#[derive(Debug, Serialize)]
struct CommitCeiling {
    dialect: &'static str,
    commits: usize,
    commits_per_sec: f64,
}

async fn commit_ceiling<D: Dialect>(
    dialect: &'static str,
    url: &str,
    create: &str,
) -> anyhow::Result<CommitCeiling> {
    let config = DatabaseConfig::new(url);
    let linked = D::connect(config.connect_options()).await?;
    linked.execute(abi_statement(create, vec![])).await?;
    let insert = "insert into bench_ceiling (id, name) values ($1, $2)";
    let commits = 2000;
    for _ in 0..100 {
        linked
            .execute(abi_statement(
                insert,
                vec![uuid::Uuid::new_v4().into_value(), "warm".into_value()],
            ))
            .await?;
    }
    let started = Instant::now();
    for _ in 0..commits {
        linked
            .execute(abi_statement(
                insert,
                vec![uuid::Uuid::new_v4().into_value(), "ceiling".into_value()],
            ))
            .await?;
    }
    let commits_per_sec = commits as f64 / started.elapsed().as_secs_f64();
    linked.close().await;
    Ok(CommitCeiling {
        dialect,
        commits,
        commits_per_sec,
    })
}

/// Whether the workload `name` was asked for.
fn workload_wanted(selection: &str, name: &str) -> bool {
    match selection {
        "all" => true,
        "none" => false,
        list => list
            .split(',')
            .map(str::trim)
            .any(|wanted| !wanted.is_empty() && name.starts_with(wanted)),
    }
}

/// The workloads and the commit ceiling of one dialect, on a database of their own.
async fn workloads_for<D: Dialect>(
    dialect: &'static str,
    url: &str,
    ceiling_table: &str,
    registry: &PluginRegistry,
    args: &Args,
) -> anyhow::Result<(Vec<workloads::WorkloadResult>, CommitCeiling)> {
    let interface = DbInterface::with_registry(DatabaseConfig::new(url), registry)?;
    let results = workloads::run_workloads(
        dialect,
        std::sync::Arc::clone(&interface),
        args.n,
        args.r,
        &|name| workload_wanted(&args.workloads, name),
    )
    .await?;
    interface.close().await;
    let ceiling = commit_ceiling::<D>(dialect, url, ceiling_table).await?;
    Ok((results, ceiling))
}

#[derive(Debug, Serialize)]
struct MigrationTiming {
    dialect: &'static str,
    runs: usize,
    cli_seconds: f64,
    in_process_seconds: f64,
}

/// Empty database → head, through `flowdb database upgrade` (a fresh process, as an operator
/// runs it) and through `DbInterface::upgrade` in this process; medians over fresh databases.
async fn time_migrations(
    dialect: &'static str,
    fresh_url: &(dyn Fn(usize) -> String + Sync),
    create: bool,
    registry: &PluginRegistry,
    args: &Args,
) -> anyhow::Result<MigrationTiming> {
    let flowdb =
        std::env::current_exe()?.with_file_name(format!("flowdb{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        flowdb.is_file(),
        "{} is missing: build the workspace",
        flowdb.display()
    );
    let runs = args.rounds.max(1);
    let (mut cli, mut in_process) = (Vec::new(), Vec::new());
    for run in 0..runs * 2 {
        let url = fresh_url(run);
        let interface = DbInterface::with_registry(DatabaseConfig::new(&url), registry)?;
        if create {
            interface.create_database().await?;
        }
        let started = Instant::now();
        if run % 2 == 0 {
            let status = std::process::Command::new(&flowdb)
                .args(["database", "upgrade", "--url", &url])
                .stdout(std::process::Stdio::null())
                .status()?;
            anyhow::ensure!(status.success(), "flowdb database upgrade failed on {url}");
            cli.push(started.elapsed().as_secs_f64());
        } else {
            interface.upgrade("head").await?;
            in_process.push(started.elapsed().as_secs_f64());
        }
        if create {
            interface.drop_database().await?;
        }
    }
    Ok(MigrationTiming {
        dialect,
        runs,
        cli_seconds: median(cli),
        in_process_seconds: median(in_process),
    })
}

/// One soak on the database at `url`, its pool closed afterwards.
async fn soak_on(
    dialect: &'static str,
    url: &str,
    args: &Args,
    registry: &PluginRegistry,
    duration: Duration,
) -> anyhow::Result<soak::SoakReport> {
    let db = DbInterface::with_registry(DatabaseConfig::new(url), registry)?;
    let outcome = soak::soak(
        dialect,
        db.clone(),
        duration,
        args.clients,
        args.soak_window,
        args.json,
    )
    .await;
    db.close().await;
    outcome
}

/// The soak on each wanted dialect, each on a fresh database; fails if any soak saw an error
/// or its audit failed.
async fn run_soak(
    args: &Args,
    registry: &PluginRegistry,
    duration: Duration,
) -> anyhow::Result<()> {
    anyhow::ensure!(args.clients > 0, "--clients: at least one client");
    let wanted = |name: &str| args.dialect == "all" || args.dialect == name;
    let mut reports = Vec::new();
    if wanted("sqlite") {
        let dir = std::env::temp_dir().join(format!("flowdb-bench-soak-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let url = format!("sqlite+aiosqlite:///{}", dir.join("soak.db").display());
        let outcome = soak_on("sqlite", &url, args, registry, duration).await;
        if args.keep {
            eprintln!("kept {url}");
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
        reports.push(outcome?);
    }
    for (name, dialect, server) in [
        ("postgres", "postgresql", &args.postgres_url),
        ("mysql", "mysql", &args.mysql_url),
    ] {
        if wanted(name) {
            let report = on_fresh_database(
                server,
                &format!("flowdb_bench_soak_{}", std::process::id()),
                "the soak database",
                registry,
                args.keep,
                |url| async move { soak_on(dialect, &url, args, registry, duration).await },
            )
            .await?;
            reports.push(report);
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "schema_version": 1,
                "kind": "soak",
                "reports": reports,
            }))?
        );
    } else {
        reports.iter().for_each(soak::print);
    }
    let failed: Vec<&str> = reports
        .iter()
        .filter(|r| !r.passed())
        .map(|r| r.dialect)
        .collect();
    anyhow::ensure!(
        failed.is_empty(),
        "the soak failed on {}",
        failed.join(", ")
    );
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<()> {
    let registry = PluginRegistry::discover_libraries(
        // This binary links the plugin crates for the static baseline, so their dialects are
        // built in; the plugin path must run on the libraries.
        SearchPath::from_env().with_explicit(args.plugin_paths.clone()),
    );
    if let Some(duration) = args.soak {
        return run_soak(&args, &registry, duration).await;
    }
    anyhow::ensure!(
        matches!(
            args.dialect.as_str(),
            "all" | "sqlite" | "postgres" | "mysql"
        ),
        "unknown --dialect `{}` (sqlite, postgres, mysql or all)",
        args.dialect
    );
    let mut measurements = Vec::new();
    let wanted = |name: &str| args.dialect == "all" || args.dialect == name;
    let mut workload_results = Vec::new();
    let mut ceilings = Vec::new();
    if !matches!(args.workloads.as_str(), "all" | "none") {
        for wanted in args.workloads.split(',').map(str::trim) {
            anyhow::ensure!(
                workloads::WORKLOADS
                    .iter()
                    .any(|name| !wanted.is_empty() && name.starts_with(wanted)),
                "--workloads: no workload is named `{wanted}`; they are {} (or all, none)",
                workloads::WORKLOADS.join(", ")
            );
        }
    }
    // References the workload closures below move in.
    let (registry_ref, args_ref) = (&registry, &args);
    if args.workloads != "none" {
        if wanted("sqlite") {
            let dir =
                std::env::temp_dir().join(format!("flowdb-bench-workloads-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let url = format!("sqlite+aiosqlite:///{}", dir.join("workloads.db").display());
            let outcome = workloads_for::<SqliteDialect>(
                "sqlite",
                &url,
                "create table bench_ceiling (id char(36) primary key, name varchar not null)",
                &registry,
                &args,
            )
            .await;
            if args.keep {
                eprintln!("kept {url}");
            } else {
                let _ = std::fs::remove_dir_all(&dir);
            }
            let (results, ceiling) = outcome?;
            workload_results.extend(results);
            ceilings.push(ceiling);
        }
        if wanted("postgres") {
            let (results, ceiling) = on_fresh_database(
                &args.postgres_url,
                &format!("flowdb_bench_workloads_{}", std::process::id()),
                "the workload database",
                &registry,
                args.keep,
                |url| async move {
                    workloads_for::<PgDialect>(
                        "postgresql",
                        &url,
                        "create table bench_ceiling (id uuid primary key, name varchar not null)",
                        registry_ref,
                        args_ref,
                    )
                    .await
                },
            )
            .await?;
            workload_results.extend(results);
            ceilings.push(ceiling);
        }
        if wanted("mysql") {
            let (results, ceiling) = on_fresh_database(
                &args.mysql_url,
                &format!("flowdb_bench_workloads_{}", std::process::id()),
                "the workload database",
                &registry,
                args.keep,
                |url| async move {
                    workloads_for::<MySqlDialect>(
                        "mysql",
                        &url,
                        "create table bench_ceiling (id char(36) primary key, name varchar(255) not null)",
                        registry_ref,
                        args_ref,
                    )
                    .await
                },
            )
            .await?;
            workload_results.extend(results);
            ceilings.push(ceiling);
        }
    }
    if wanted("sqlite") && !args.workloads_only {
        let dir = std::env::temp_dir().join(format!("flowdb-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let url = format!("sqlite+aiosqlite:///{}", dir.join("bench.db").display());
        let outcome =
            bench_dialect::<SqliteDialect>("sqlite", &url, SQLITE_SETUP, &registry, &args).await;
        let _ = std::fs::remove_dir_all(&dir);
        measurements.extend(outcome?);
    }
    if wanted("postgres") && !args.workloads_only {
        let url = on_database(
            &args.postgres_url,
            &format!("flowdb_bench_{}", std::process::id()),
        )?;
        let admin = DbInterface::with_registry(DatabaseConfig::new(&url), &registry)?;
        admin
            .create_database()
            .await
            .context("creating the bench database")?;
        let outcome =
            bench_dialect::<PgDialect>("postgresql", &url, POSTGRES_SETUP, &registry, &args).await;
        admin
            .drop_database()
            .await
            .context("dropping the bench database")?;
        measurements.extend(outcome?);
    }
    let mut migrations = Vec::new();
    if !args.workloads_only
        && args
            .operation
            .as_deref()
            .is_none_or(|wanted| "migrate".contains(wanted) || wanted.contains("migrat"))
    {
        if wanted("sqlite") {
            let dir =
                std::env::temp_dir().join(format!("flowdb-bench-migrate-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let fresh =
                |run: usize| format!("sqlite:///{}", dir.join(format!("run{run}.db")).display());
            let outcome = time_migrations("sqlite", &fresh, false, &registry, &args).await;
            let _ = std::fs::remove_dir_all(&dir);
            migrations.push(outcome?);
        }
        if wanted("postgres") {
            on_database(&args.postgres_url, "postgres")?;
            let fresh = |run: usize| {
                on_database(
                    &args.postgres_url,
                    &format!("flowdb_bench_migrate_{}_{run}", std::process::id()),
                )
                .unwrap_or_default()
            };
            migrations.push(time_migrations("postgresql", &fresh, true, &registry, &args).await?);
        }
    }
    anyhow::ensure!(
        !measurements.is_empty() || !migrations.is_empty() || !workload_results.is_empty(),
        "nothing to measure on `{}` with these options (mysql has the workloads and the soak only)",
        args.dialect
    );
    if args.json {
        let document = serde_json::json!({
            "schema_version": 1,
            "kind": "bench",
            "rounds": args.rounds,
            "measurements": measurements,
            "migrations": migrations,
            "n": args.n,
            "r": args.r,
            "workloads": workload_results,
            "commit_ceiling": ceilings,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        if !workload_results.is_empty() {
            print_workloads(&workload_results, &ceilings, &args);
        }
        if !measurements.is_empty() {
            println!(
                "{:<11} {:<36} {:>8} {:>12} {:>12} {:>7}",
                "DIALECT", "OPERATION", "OPS", "PLUGIN/s", "STATIC/s", "RATIO"
            );
            for m in &measurements {
                println!(
                    "{:<11} {:<36} {:>8} {:>12.0} {:>12.0} {:>7.3}",
                    m.dialect,
                    m.operation,
                    m.ops_per_round,
                    m.plugin_ops_per_sec,
                    m.static_ops_per_sec,
                    m.ratio
                );
            }
            println!(
                "(medians of {} rounds; ratio = plugin / static, 1.0 = the boundary costs nothing)",
                args.rounds
            );
        }
        if !migrations.is_empty() {
            println!(
                "\n{:<11} {:<36} {:>8} {:>12} {:>12}",
                "DIALECT", "MIGRATE EMPTY → HEAD", "RUNS", "CLI s", "IN-PROCESS s"
            );
            for m in &migrations {
                println!(
                    "{:<11} {:<36} {:>8} {:>12.3} {:>12.3}",
                    m.dialect,
                    "flowdb database upgrade",
                    m.runs,
                    m.cli_seconds,
                    m.in_process_seconds
                );
            }
        }
    }
    Ok(())
}

fn print_workloads(results: &[workloads::WorkloadResult], ceilings: &[CommitCeiling], args: &Args) {
    println!(
        "{:<11} {:<34} {:>6} {:>10} {:>9} {:>9} {:>10} {:>8}  ERRORS / NOTE",
        "DIALECT", "WORKLOAD", "OPS", "OPS/s", "p50 ms", "p99 ms", "PREFECT/s", "×PREFECT",
    );
    for result in results {
        let errors: Vec<String> = result
            .errors
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        println!(
            "{:<11} {:<34} {:>6} {:>10.0} {:>9.2} {:>9.2} {:>10} {:>8}  {}; {}",
            result.dialect,
            result.workload,
            result.ops,
            result.ops_per_sec,
            result.p50_ms,
            result.p99_ms,
            result
                .prefect_ops_per_sec
                .map_or_else(|| "-".to_owned(), |figure| format!("{figure:.0}")),
            result
                .vs_prefect
                .map_or_else(|| "-".to_owned(), |ratio| format!("{ratio:.1}")),
            if errors.is_empty() {
                "no errors".to_owned()
            } else {
                errors.join(", ")
            },
            result.note,
        );
    }
    for ceiling in ceilings {
        let commit_bound: Vec<String> = results
            .iter()
            .filter(|result| {
                result.dialect == ceiling.dialect
                    && matches!(
                        result.workload,
                        "a2_create_commit_each" | "b_set_state_pending"
                    )
            })
            .map(|result| {
                format!(
                    "{} {:.2}",
                    result.workload,
                    result.ops_per_sec / ceiling.commits_per_sec
                )
            })
            .collect();
        println!(
            "{:<11} one-row commit ceiling (static, autocommit insert): {:.0}/s; of it: {}",
            ceiling.dialect,
            ceiling.commits_per_sec,
            commit_bound.join(", ")
        );
    }
    println!(
        "(N = {}, R = {}; Prefect 3.9.1's figures on this machine kind from its reference benchmark)\n",
        args.n, args.r
    );
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start a runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // The static side must time out like the plugin does; neither should hang forever. A soak
    // gets its own length on top, per dialect.
    let limit = Duration::from_secs(1800) + args.soak.unwrap_or_default() * 2;
    let outcome = runtime.block_on(async { tokio::time::timeout(limit, run(args)).await });
    match outcome {
        Ok(Ok(())) => std::process::ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!(
                "error: the benchmark did not finish within {:.0} minutes",
                limit.as_secs_f64() / 60.0
            );
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs `body` on a database named `name`, created for it on the server `server_url` names
/// and dropped afterwards (kept, and its URL printed, with `--keep`), even when `body` fails.
async fn on_fresh_database<T, F, Fut>(
    server_url: &str,
    name: &str,
    what: &str,
    registry: &PluginRegistry,
    keep: bool,
    body: F,
) -> anyhow::Result<T>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let url = on_database(server_url, name)?;
    let admin = DbInterface::with_registry(DatabaseConfig::new(&url), registry)?;
    admin
        .create_database()
        .await
        .with_context(|| format!("creating {what}"))?;
    let outcome = body(url.clone()).await;
    if keep {
        eprintln!("kept {}", flowdb::url::redact_url(&url));
    } else {
        admin
            .drop_database()
            .await
            .with_context(|| format!("dropping {what}"))?;
    }
    outcome
}

/// `url` with its database replaced by `name`, its query (the statement-cache setting behind
/// PgBouncer, say) kept.
fn on_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base
        .rsplit_once('/')
        .context("the server URL names no database")?;
    Ok(match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    })
}
