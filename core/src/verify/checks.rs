//! The checks of the conformance suite, in the order they run. Each returns what it saw: a
//! short detail when it passes, the mismatch (what was written, what came back) when it fails.
//!
//! The SQL written here is the portable core every dialect of flowdb must accept (the contract's
//! `$n` placeholders, `integer` columns, `with recursive`); what differs by dialect goes through
//! the plugin's own tiers: its migrations build the tables the value checks write, and its
//! tier 2 renders locks.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeDelta, TimeZone as _, Utc};
use futures::FutureExt as _;
use serde_json::json;
use uuid::Uuid;

use super::{Check, Context, KNOWN_CAPABILITIES, Need};
use crate::ErrorKind;
use crate::config::Statement;
use crate::interface::DbInterface;
use crate::models::{
    ConcurrencyLimitV2, Flow, FlowRun, Lock, Log, Model, Select, StateType, Variable,
};
use crate::value::{Interval, IntoValue};

type Outcome = std::result::Result<String, String>;

/// Every check, in the order run: load, connection, transactions, errors, migrations, values,
/// locks. Later ones build on earlier ones through [`Need`].
pub(crate) fn all() -> &'static [Check] {
    const CONNECTION: &[Need] = &[Need::Connection];
    const SCHEMA: &[Need] = &[Need::Connection, Need::Schema];
    &[
        Check {
            name: "load.contract",
            about: "the contract the plugin was built against is one this host serves",
            needs: &[],
            capabilities: &[],
            run: |c| load_contract(c).boxed(),
        },
        Check {
            name: "load.description",
            about: "a name, at least one well-formed URL scheme, capabilities named as the suite knows them",
            needs: &[],
            capabilities: &[],
            run: |c| load_description(c).boxed(),
        },
        Check {
            name: "load.health",
            about: "initialised, not poisoned, not shut down",
            needs: &[],
            capabilities: &[],
            run: |c| load_health(c).boxed(),
        },
        Check {
            name: "connect.round_trip",
            about: "opens a pool, answers a query, reports its server as its own dialect",
            needs: &[Need::Database],
            capabilities: &[],
            run: |c| connect_round_trip(c).boxed(),
        },
        Check {
            name: "database.create_drop",
            about: "creates a database, and drops it with its tables",
            // Not the connection: a plugin that cannot create a database may still connect
            // to one, and the lie is what this check catches.
            needs: &[
                Need::Database,
                Need::Capability("create-database"),
                Need::Capability("drop-database"),
            ],
            capabilities: &["create-database", "drop-database"],
            run: |c| database_create_drop(c).boxed(),
        },
        Check {
            name: "transactions.commit_rollback",
            about: "a commit is seen, a rollback and a dropped transaction are not",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| transactions_commit_rollback(c).boxed(),
        },
        Check {
            name: "transactions.unit_of_work",
            about: "a unit of work commits all of its statements or none",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| transactions_unit_of_work(c).boxed(),
        },
        Check {
            name: "transactions.with_for_update",
            about: "a transaction begun with_for_update reads, writes and commits",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| transactions_with_for_update(c).boxed(),
        },
        Check {
            name: "errors.kinds",
            about: "syntax errors, constraint violations and missing tables keep their kind, code and names",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| errors_kinds(c).boxed(),
        },
        Check {
            name: "fetch.bulk",
            about: "10,000 rows arrive whole and in order",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| fetch_bulk(c).boxed(),
        },
        Check {
            name: "connect.cancel_mid_flight",
            about: "a query the host stops waiting for leaves the pool usable",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| connect_cancel_mid_flight(c).boxed(),
        },
        Check {
            name: "connect.foreign_executor",
            about: "calls complete when polled outside tokio, and handles dropped on a plain thread free their connection",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| connect_foreign_executor(c).boxed(),
        },
        Check {
            name: "panics.contained",
            about: "a panic in a call and in its future comes back as PANIC and poisons that copy of the plugin alone; the host lives on",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| super::faults::panics_contained(c).boxed(),
        },
        Check {
            name: "connect.beside_another_plugin",
            about: "round trips interleaved with another loaded plugin's",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| super::faults::beside_another_plugin(c).boxed(),
        },
        Check {
            name: "migrations.up_down_up",
            about: "migrations go up, down and up again, leaving the same schema, which matches the models",
            needs: CONNECTION,
            capabilities: &[],
            run: |c| migrations_up_down_up(c).boxed(),
        },
        Check {
            name: "values.text",
            about: "text: empty, non-ASCII, quotes and placeholders in a key column; those and 100,000 characters in an unbounded one",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_text(c).boxed(),
        },
        Check {
            name: "values.integer",
            about: "integers: the extremes of 16 and 32 bits, zero, minus one",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_integer(c).boxed(),
        },
        Check {
            name: "values.float",
            about: "floats: zero, tiny, huge, subnormal, 0.1 + 0.2, bit for bit",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_float(c).boxed(),
        },
        Check {
            name: "values.float_special",
            about: "floats: NaN, both infinities and negative zero",
            needs: &[
                Need::Connection,
                Need::Schema,
                Need::Capability("float-special"),
            ],
            capabilities: &["float-special"],
            run: |c| values_float_special(c).boxed(),
        },
        Check {
            name: "values.boolean",
            about: "booleans: true and false",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_boolean(c).boxed(),
        },
        Check {
            name: "values.uuid",
            about: "UUIDs: nil, max, random, as keys and as references",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_uuid(c).boxed(),
        },
        Check {
            name: "values.timestamp",
            about: "times to the microsecond, written in other time zones, before 1970 and far ahead",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_timestamp(c).boxed(),
        },
        Check {
            name: "values.interval",
            about: "intervals: zero, a microsecond, days, years",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_interval(c).boxed(),
        },
        Check {
            name: "values.json",
            about: "JSON documents: nested, non-ASCII, escapes, large integers, empty, null",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_json(c).boxed(),
        },
        Check {
            name: "values.null_and_enum",
            about: "NULL in nullable columns of every kind; every state type",
            needs: SCHEMA,
            capabilities: &[],
            run: |c| values_null_and_enum(c).boxed(),
        },
        Check {
            name: "hot_path.same_as_sqlite",
            about: "polls, state changes, filtered reads, counts, history and typed reads on generated data answer as the SQLite dialect does",
            needs: &[Need::Connection, Need::Schema, Need::Reference],
            capabilities: &[],
            run: |c| super::hot_path::same_as_sqlite(c).boxed(),
        },
        Check {
            name: "locks.immediate_transactions",
            about: "while a with_for_update transaction is open, a second one cannot begin",
            needs: &[Need::Connection, Need::Capability("immediate-transactions")],
            capabilities: &["immediate-transactions"],
            run: |c| locks_immediate_transactions(c).boxed(),
        },
        Check {
            name: "connect.statement_timeout",
            about: "a statement running past the settings' timeout fails as TIMEOUT, and the pool serves on",
            needs: &[Need::Connection, Need::Capability("statement-timeout")],
            capabilities: &["statement-timeout"],
            run: |c| connect_statement_timeout(c).boxed(),
        },
        Check {
            name: "locks.skip_locked",
            about: "a locked read in a second transaction skips the rows the first holds",
            needs: &[
                Need::Connection,
                Need::Schema,
                Need::Capability("skip-locked"),
            ],
            capabilities: &["skip-locked"],
            run: |c| locks_skip_locked(c).boxed(),
        },
    ]
}

/// `what: err`, for `?` on the host's results.
trait Explain<T> {
    fn or_say(self, what: &str) -> std::result::Result<T, String>;
}

impl<T> Explain<T> for crate::Result<T> {
    fn or_say(self, what: &str) -> std::result::Result<T, String> {
        self.map_err(|err| format!("{what}: {err}"))
    }
}

fn expect_eq<T: PartialEq + Debug>(what: &str, wrote: &T, read: &T) -> Result<(), String> {
    if wrote == read {
        Ok(())
    } else {
        Err(format!("{what}: wrote {wrote:?}, read back {read:?}"))
    }
}

pub(crate) fn db(context: &Context) -> Result<&Arc<DbInterface>, String> {
    context.db.as_ref().ok_or_else(|| {
        context
            .open_error
            .clone()
            .unwrap_or_else(|| "needs a database: give a URL (--url)".to_owned())
    })
}

// ---- load ------------------------------------------------------------------------------------

async fn load_contract(context: &Context) -> Outcome {
    let description = context.plugin.description();
    crate::plugin::check_contract_version(&description.abi_version, &description.sdk_version)?;
    Ok(format!(
        "contract {} (sdk {}) on a host of contract {}",
        description.abi_version,
        description.sdk_version,
        flowdb_abi::CONTRACT_VERSION
    ))
}

async fn load_description(context: &Context) -> Outcome {
    let description = context.plugin.description();
    if description.name.trim().is_empty() {
        return Err("the plugin's name is empty".into());
    }
    if description.schemes.is_empty() {
        return Err("the plugin serves no URL scheme: no URL can reach it".into());
    }
    for scheme in description.schemes.iter() {
        let well_formed = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && scheme
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !well_formed {
            return Err(format!(
                "the scheme `{scheme}` is not a URL scheme (lowercase letters, digits, `-` and `.`, a letter first, no `+driver`)"
            ));
        }
    }
    let unknown: Vec<&str> = description
        .capabilities
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !KNOWN_CAPABILITIES.iter().any(|(known, _)| known == c))
        .collect();
    let mut detail = format!(
        "{} serves {}",
        description.name,
        description
            .schemes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !unknown.is_empty() {
        detail.push_str(&format!(
            "; capabilities the suite does not check: {}",
            unknown.join(", ")
        ));
    }
    Ok(detail)
}

async fn load_health(context: &Context) -> Outcome {
    let health = context.plugin.health();
    if health.poisoned {
        return Err(format!("poisoned by a {}", health.poison_reason));
    }
    if health.shut_down {
        return Err("its runtime is shut down".into());
    }
    Ok("healthy".into())
}

// ---- connection ------------------------------------------------------------------------------

async fn connect_round_trip(context: &Context) -> Outcome {
    if let Some(reason) = &context.open_error {
        return Err(reason.clone());
    }
    let db = db(context)?;
    let session = db.session().await.or_say("cannot connect")?;
    let rows = session
        .fetch_all("select 1 as one, 'two' as two", vec![])
        .await
        .or_say("select 1 failed")?;
    let row = rows
        .row(0)
        .ok_or("select 1 returned no rows: the plugin does not return what it reads")?;
    expect_eq(
        "select 1",
        &1_i64,
        &row.get::<i64>("one").or_say("column one")?,
    )?;
    expect_eq(
        "select 'two'",
        &"two".to_owned(),
        &row.get::<String>("two").or_say("column two")?,
    )?;
    let server = session
        .database()
        .server_info()
        .await
        .or_say("server_info failed")?;
    if server.dialect.as_str() != context.plugin.name() {
        return Err(format!(
            "server_info names the dialect `{}`, not the plugin's own `{}`",
            server.dialect,
            context.plugin.name()
        ));
    }
    if server.server_version.is_empty() {
        return Err("server_info gives no server version".into());
    }
    if !db.is_db_connectable().await {
        return Err("is_db_connectable says no after a query succeeded".into());
    }
    Ok(format!("{} {}", server.dialect, server.server_version))
}

async fn database_create_drop(context: &Context) -> Outcome {
    if let Some(reason) = &context.scratch_failure {
        return Err(format!(
            "the plugin declares `create-database`, but creating a scratch database failed: {reason}"
        ));
    }
    let db = db(context)?;
    let url = crate::url::scratch_url_in(
        db.config().url(),
        context.declares("file"),
        &format!("{}cd", context.prefix),
        context.work_dir.path(),
    )
    .map_err(|err| err.to_string())?;
    // A fresh interface for each life of the database: an interface keeps its pool, which
    // drop_database closes.
    let open = || -> Result<Arc<DbInterface>, String> {
        let interface = Arc::new(
            DbInterface::uncached(
                crate::config::DatabaseConfig::new(url.clone()),
                Arc::clone(&context.plugin),
            )
            .map_err(|err| err.to_string())?,
        );
        // Dropped at the end whatever happens here.
        super::lock(&context.created).push(Arc::clone(&interface));
        Ok(interface)
    };
    let table = format!("{}kept", context.prefix);
    let first = open()?;
    first
        .create_database()
        .await
        .or_say("create_database failed")?;
    let session = first
        .session()
        .await
        .or_say("cannot connect to the created database")?;
    session
        .execute(&format!("create table {table} (x integer)"), vec![])
        .await
        .or_say("cannot create a table in it")?;
    first
        .drop_database()
        .await
        .or_say("the plugin declares `drop-database`, but drop_database failed")?;
    let second = open()?;
    second
        .create_database()
        .await
        .or_say("create_database after drop_database failed")?;
    let session = second
        .session()
        .await
        .or_say("cannot connect to the database created again")?;
    session
        .fetch_all("select 1 as one", vec![])
        .await
        .or_say("the database created again does not answer")?;
    match session
        .fetch_all(&format!("select x from {table}"), vec![])
        .await
    {
        Ok(_) => {
            return Err(format!(
                "the table {table} survived drop_database: the database was not dropped"
            ));
        }
        Err(err) if !err.to_string().contains(&table) => {
            return Err(format!(
                "reading the dropped database's table failed, but not because it is missing: {err}"
            ));
        }
        Err(_) => {}
    }
    second
        .drop_database()
        .await
        .or_say("drop_database failed")?;
    Ok("created, dropped, created empty, dropped".into())
}

async fn transactions_commit_rollback(context: &Context) -> Outcome {
    with_table(
        context,
        "tx",
        "x integer not null",
        |session, table| async move {
            let mut committed = session.begin_transaction(false).await.or_say("begin")?;
            committed
                .execute(
                    &format!("insert into {table} (x) values ($1)"),
                    crate::params![1_i64],
                )
                .await
                .or_say("insert")?;
            let inside = committed
                .fetch_all(&format!("select count(*) as n from {table}"), vec![])
                .await
                .or_say("count inside the transaction")?;
            expect_eq(
                "rows seen inside the transaction",
                &1_i64,
                &inside
                    .row(0)
                    .ok_or("count returned no row")?
                    .get::<i64>("n")
                    .or_say("n")?,
            )?;
            committed.commit().await.or_say("commit")?;

            let mut rolled_back = session.begin_transaction(false).await.or_say("begin")?;
            rolled_back
                .execute(
                    &format!("insert into {table} (x) values ($1)"),
                    crate::params![2_i64],
                )
                .await
                .or_say("insert")?;
            rolled_back.rollback().await.or_say("rollback")?;

            let mut dropped = session.begin_transaction(false).await.or_say("begin")?;
            dropped
                .execute(
                    &format!("insert into {table} (x) values ($1)"),
                    crate::params![3_i64],
                )
                .await
                .or_say("insert")?;
            drop(dropped);

            let values = column_x(&session, &table).await?;
            expect_eq(
                "rows after commit (1), rollback (2) and drop (3)",
                &vec![1_i64],
                &values,
            )?;
            Ok::<_, String>("commit seen; rollback and drop not".to_owned())
        },
    )
    .await
}

async fn transactions_unit_of_work(context: &Context) -> Outcome {
    with_table(context, "work", "x integer primary key", |session, table| async move {
        let database = session.database();
        let affected = database
            .run_unit_of_work(
                vec![
                    Statement::new(
                        format!("insert into {table} (x) values ($1)"),
                        crate::params![1_i64],
                    ),
                    Statement::new(
                        format!("insert into {table} (x) values ($1), ($2)"),
                        crate::params![2_i64, 3_i64],
                    ),
                ],
                true,
            )
            .await
            .or_say("a unit of work of two inserts")?;
        expect_eq("rows affected per statement", &vec![1_u64, 2], &affected)?;
        let failed = database
            .run_unit_of_work(
                vec![
                    Statement::new(
                        format!("insert into {table} (x) values ($1)"),
                        crate::params![4_i64],
                    ),
                    Statement::new(
                        format!("insert into {table} (x) values ($1)"),
                        crate::params![1_i64],
                    ),
                ],
                false,
            )
            .await;
        match failed {
            Ok(_) => return Err("a unit of work inserting a duplicate key succeeded".into()),
            Err(err) if err.kind() != Some(ErrorKind::CONSTRAINT_VIOLATION) => {
                return Err(format!(
                    "a duplicate key in a unit of work failed as {:?}, not CONSTRAINT_VIOLATION: {err}",
                    err.kind()
                ));
            }
            Err(_) => {}
        }
        let values = column_x(&session, &table).await?;
        expect_eq(
            "rows after a failed unit of work (it must leave nothing)",
            &vec![1_i64, 2, 3],
            &values,
        )?;
        Ok::<_, String>("all or nothing".to_owned())
    })
    .await
}

async fn transactions_with_for_update(context: &Context) -> Outcome {
    with_table(
        context,
        "locked",
        "x integer not null",
        |session, table| async move {
            let mut transaction = session
                .begin_transaction(true)
                .await
                .or_say("begin_transaction(with_for_update = true)")?;
            if !transaction.with_for_update() {
                return Err("the transaction does not know it was begun with_for_update".into());
            }
            transaction
                .execute(
                    &format!("insert into {table} (x) values ($1)"),
                    crate::params![7_i64],
                )
                .await
                .or_say("insert")?;
            transaction.commit().await.or_say("commit")?;
            let rows = session
                .fetch_all(&format!("select x from {table}"), vec![])
                .await
                .or_say("read back")?;
            expect_eq("rows after commit", &1, &rows.len())?;
            Ok::<_, String>("committed".to_owned())
        },
    )
    .await
}

async fn errors_kinds(context: &Context) -> Outcome {
    let session = db(context)?.session().await.or_say("connect")?;
    let syntax = session.execute("this is not sql", vec![]).await;
    match syntax {
        Ok(_) => return Err("`this is not sql` succeeded".into()),
        Err(err) if err.kind() != Some(ErrorKind::DATABASE) => {
            return Err(format!(
                "a syntax error came back as {:?}, not DATABASE: {err}",
                err.kind()
            ));
        }
        Err(_) => {}
    }
    with_table(
        context,
        "unique",
        "x integer primary key",
        |session, table| async move {
            session
                .execute(&format!("insert into {table} (x) values (1)"), vec![])
                .await
                .or_say("insert")?;
            let duplicate = session
                .execute(&format!("insert into {table} (x) values (1)"), vec![])
                .await;
            let err = match duplicate {
                Ok(_) => return Err("a duplicate primary key was accepted".into()),
                Err(err) => err,
            };
            let Some(plugin_error) = err.plugin_error() else {
                return Err(format!("a duplicate key failed outside the plugin: {err}"));
            };
            if plugin_error.kind != ErrorKind::CONSTRAINT_VIOLATION {
                return Err(format!(
                    "a duplicate key came back as {:?}, not CONSTRAINT_VIOLATION: {err}",
                    plugin_error.kind
                ));
            }
            let code = match (
                plugin_error.sqlstate.as_ref().into_option(),
                plugin_error.vendor_code.into_option(),
            ) {
                (Some(sqlstate), _) => format!("SQLSTATE {sqlstate}"),
                (None, Some(code)) => format!("vendor code {code}"),
                (None, None) => {
                    return Err(format!(
                        "a duplicate key carries neither a SQLSTATE nor a vendor code: {err}"
                    ));
                }
            };
            let missing = format!("{}missing", context.prefix);
            match session
                .fetch_all(&format!("select * from {missing}"), vec![])
                .await
            {
                Ok(_) => return Err(format!("reading the missing table {missing} succeeded")),
                Err(err) if !err.to_string().contains(&missing) => {
                    return Err(format!(
                        "the error of a missing table does not name it ({missing}): {err}"
                    ));
                }
                Err(_) => {}
            }
            Ok::<_, String>(format!("duplicate key: CONSTRAINT_VIOLATION, {code}"))
        },
    )
    .await
}

async fn fetch_bulk(context: &Context) -> Outcome {
    let session = db(context)?.session().await.or_say("connect")?;
    let rows = session
        .fetch_all(
            "with recursive numbers(n) as (select 1 union all select n + 1 from numbers where n < 10000) \
             select n, 'row ' || n as label from numbers order by n",
            vec![],
        )
        .await
        .or_say("a 10,000-row query")?;
    expect_eq("rows", &10_000, &rows.len())?;
    let mut sum = 0_i64;
    for (index, row) in rows.iter().enumerate() {
        let n = row.get::<i64>("n").or_say("n")?;
        let expected = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        if n != expected {
            return Err(format!(
                "row {index} holds n = {n}, not {expected}: rows out of order"
            ));
        }
        sum += n;
    }
    let last = rows
        .row(9_999)
        .ok_or("no last row")?
        .get::<String>("label")
        .or_say("label")?;
    expect_eq("the last label", &"row 10000".to_owned(), &last)?;
    Ok(format!("10,000 rows, sum {sum}"))
}

async fn connect_cancel_mid_flight(context: &Context) -> Outcome {
    let database = db(context)?.database().await.or_say("connect")?;
    // Portable and slow on every dialect: counting one row at a time. How far is measured
    // first, for about a second and a half here: a database that cannot interrupt a statement
    // the host abandoned (SQLite; MySQL without KILL QUERY) runs it to its end, holding a
    // connection and the cleanup after the suite, and dialects differ tenfold in speed.
    let count_to = |n: u64| {
        format!(
            "with recursive numbers(n) as (select 1 union all select n + 1 from numbers where n < {n}) \
             select count(*) as n from numbers"
        )
    };
    let timed = Instant::now();
    database
        .fetch_all(&count_to(100_000), vec![])
        .await
        .or_say("counting to 100,000")?;
    let per_100k = timed.elapsed().as_secs_f64().max(0.000_1);
    // Truncation is the intent: a row count from a ratio of times.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rows = ((1.5 / per_100k) * 100_000.0).clamp(300_000.0, 30_000_000.0) as u64;
    let slow = count_to(rows);
    for attempt in 1..=3 {
        let cancelled = tokio::time::timeout(
            Duration::from_millis(150),
            database.fetch_all(&slow, vec![]),
        )
        .await;
        if cancelled.is_ok() {
            return Err(format!(
                "the slow query finished within 150 ms (attempt {attempt}): nothing was cancelled"
            ));
        }
    }
    let started = Instant::now();
    for _ in 0..20 {
        let rows = database
            .fetch_all("select 1 as one", vec![])
            .await
            .or_say("a query after three cancelled ones")?;
        expect_eq(
            "select 1 after cancelling",
            &1_i64,
            &rows
                .row(0)
                .ok_or("no row")?
                .get::<i64>("one")
                .or_say("one")?,
        )?;
    }
    Ok(format!(
        "3 cancelled (counting to {rows}); 20 queries after them in {} ms",
        started.elapsed().as_millis()
    ))
}

async fn connect_foreign_executor(context: &Context) -> Outcome {
    let db = Arc::clone(db(context)?);
    // Polled by the futures crate's executor on a thread tokio never saw. Its answer comes
    // back through a channel this task awaits, so the check's time limit still holds if the
    // call never completes there.
    let polled = Arc::clone(&db);
    let answer = on_plain_thread(move || {
        futures::executor::block_on(async move {
            let session = polled.session().await.or_say("connect")?;
            let rows = session
                .fetch_all("select 41 + 1 as answer", vec![])
                .await
                .or_say("select")?;
            rows.row(0)
                .ok_or("no row".to_owned())?
                .get::<i64>("answer")
                .or_say("answer")
        })
    })
    .await
    .map_err(|_| "the plain thread polling the plugin panicked".to_owned())??;
    expect_eq("select 41 + 1 polled outside tokio", &42_i64, &answer)?;

    // A transaction begun here and dropped on a plain thread gives its connection back.
    let session = db.session().await.or_say("connect")?;
    let max = db.config().pool_size.clamp(1, 20);
    for round in 0..(max + 2) {
        let transaction = session.begin_transaction(false).await.or_say(&format!(
            "begin after {round} transactions were dropped on plain threads"
        ))?;
        on_plain_thread(move || drop(transaction))
            .await
            .map_err(|_| "dropping a transaction on a plain thread panicked".to_owned())?;
    }
    let rows = session
        .fetch_all("select 1 as one", vec![])
        .await
        .or_say("a query after the dropped transactions")?;
    expect_eq("rows", &1, &rows.len())?;
    Ok(format!(
        "polled by futures::executor; {} transactions dropped on plain threads",
        max + 2
    ))
}

/// Runs `work` on a new plain thread and awaits its result without blocking this task's
/// thread; an error when the thread panicked.
async fn on_plain_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ()> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver.await.map_err(|_| ())
}

/// Creates the table `{prefix}{name} ({columns})` in portable SQL, runs `body` with a session
/// and the table's name, and drops the table however the body ended.
async fn with_table<F, Fut>(context: &Context, name: &str, columns: &str, body: F) -> Outcome
where
    F: FnOnce(crate::Session, String) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    let session = db(context)?.session().await.or_say("connect")?;
    let table = format!("{}{name}", context.prefix);
    if !context.scratch {
        // Dropped at the end even if this check times out before its own drop.
        super::lock(&context.tables).push(table.clone());
    }
    session
        .execute(&format!("create table {table} ({columns})"), vec![])
        .await
        .or_say("create table")?;
    let result = body(session.clone(), table.clone()).await;
    let _ = session
        .execute(&format!("drop table {table}"), vec![])
        .await;
    result
}

/// The integer column `x` of `table`, in order.
async fn column_x(session: &crate::Session, table: &str) -> Result<Vec<i64>, String> {
    session
        .fetch_all(&format!("select x from {table} order by x"), vec![])
        .await
        .or_say("read back")?
        .iter()
        .map(|row| row.get::<i64>("x"))
        .collect::<crate::Result<Vec<i64>>>()
        .or_say("x")
}

// ---- migrations ------------------------------------------------------------------------------

async fn migrations_up_down_up(context: &Context) -> Outcome {
    let db = db(context)?;
    let migrations = db.migration_history();
    if migrations.is_empty() {
        return Err(
            "the plugin has no migrations (tier 3): no host can build Prefect's schema with it"
                .into(),
        );
    }
    if !context.scratch {
        let status = db.migration_status().await.or_say("migration status")?;
        let tables = db
            .schema_snapshot()
            .await
            .or_say("schema snapshot")?
            .into_iter()
            .filter(|line| !line.contains(crate::orm::BOOKKEEPING_TABLE))
            .count();
        if status.current.is_some() || status.alembic_revision.is_some() || tables > 0 {
            return Err(format!(
                "the database {} is not empty ({tables} schema lines, migration {}); the suite migrates it up and down: give an empty database, or a plugin that declares create-database and drop-database for a scratch one",
                crate::url::redact_url(db.config().url()),
                status.current.as_deref().unwrap_or("none")
            ));
        }
    }
    context
        .migrated
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let up = Instant::now();
    db.upgrade("head").await.or_say("upgrade to head")?;
    let up = up.elapsed();
    let first = db
        .schema_snapshot()
        .await
        .or_say("schema snapshot at head")?;
    let mismatches = crate::orm::model_mismatches_of(&first);
    if !mismatches.is_empty() {
        return Err(format!(
            "the schema at head does not match the models:\n{}",
            mismatches.join("\n")
        ));
    }
    let down = Instant::now();
    db.downgrade("base").await.or_say("downgrade to base")?;
    let down = down.elapsed();
    // Extensions are the database's, not the schema's: a down migration leaves them in place
    // (PostgreSQL's pg_trgm may predate flowdb, and other schemas may use it).
    let left: Vec<String> = db
        .schema_snapshot()
        .await
        .or_say("schema snapshot at base")?
        .into_iter()
        .filter(|line| {
            !line.contains(crate::orm::BOOKKEEPING_TABLE) && !line.starts_with("extension ")
        })
        .collect();
    if !left.is_empty() {
        return Err(format!(
            "downgrading to base left {} schema lines, such as: {}",
            left.len(),
            left.first().map(String::as_str).unwrap_or_default()
        ));
    }
    db.upgrade("head").await.or_say("upgrade to head again")?;
    let again = db.schema_snapshot().await.or_say("schema snapshot")?;
    if again != first {
        let added: Vec<&String> = again.iter().filter(|l| !first.contains(l)).collect();
        let lost: Vec<&String> = first.iter().filter(|l| !again.contains(l)).collect();
        return Err(format!(
            "up, down and up again built another schema: {} lines more ({}), {} fewer ({})",
            added.len(),
            added.first().map(|l| l.as_str()).unwrap_or("-"),
            lost.len(),
            lost.first().map(|l| l.as_str()).unwrap_or("-")
        ));
    }
    Ok(format!(
        "{} migrations, {} schema lines; up {} ms, down {} ms",
        migrations.len(),
        first.len(),
        up.as_millis(),
        down.as_millis()
    ))
}

// ---- values ----------------------------------------------------------------------------------

/// Writes each row, reads it back by key, and compares the field under test.
async fn round_trip<M, T>(
    context: &Context,
    rows: Vec<(String, M)>,
    key: fn(&M) -> Uuid,
    field: fn(&M) -> T,
) -> Outcome
where
    M: Model,
    T: PartialEq + Debug,
{
    let session = db(context)?.session().await.or_say("connect")?;
    let count = rows.len();
    for (label, row) in &rows {
        session
            .insert(row)
            .await
            .or_say(&format!("insert {label} into {}", M::TABLE.name))?;
        let read = session
            .get::<M>(vec![key(row).into_value()])
            .await
            .or_say(&format!("read {label} back from {}", M::TABLE.name))?
            .ok_or_else(|| format!("{label}: the row written is not there"))?;
        expect_eq(label, &field(row), &field(&read))?;
    }
    Ok(format!("{count} values through {}", M::TABLE.name))
}

async fn values_text(context: &Context) -> Outcome {
    let texts = [
        ("empty text", String::new()),
        ("non-ASCII", "héllo wörld ✓ 日本語 🚀".to_owned()),
        (
            "quotes and placeholders",
            "it's \"quoted\" \\ $1 ? :name %s {{ x }}".to_owned(),
        ),
        ("whitespace", " \t\r\n ".to_owned()),
    ];
    // Names: a key column (a dialect may bound it, as MySQL's indexes do at 255 characters).
    let rows = texts
        .iter()
        .map(|(label, text)| {
            let mut row = Variable::new(format!("{}{label}", context.prefix), json!(null));
            row.name = text.clone();
            ((*label).to_owned(), row)
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &Variable| row.id,
        |row| row.name.clone(),
    )
    .await?;
    // Unbounded text: a log message, the same texts and one of 100,000 characters.
    let rows = texts
        .into_iter()
        .chain([("100,000 characters", "x".repeat(100_000))])
        .map(|(label, text)| {
            let log = Log::new(format!("{}text", context.prefix), 20, text, Utc::now());
            (label.to_owned(), log)
        })
        .collect();
    round_trip(context, rows, |row: &Log| row.id, |row| row.message.clone()).await?;
    Ok("key text and unbounded text, 100,000 characters included".into())
}

async fn values_integer(context: &Context) -> Outcome {
    let limits = [i32::MIN, -1, 0, 1, i32::MAX];
    let rows = limits
        .iter()
        .map(|limit| {
            (
                format!("limit {limit}"),
                ConcurrencyLimitV2::new(format!("{}limit {limit}", context.prefix), *limit),
            )
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &ConcurrencyLimitV2| row.id,
        |row| row.limit,
    )
    .await?;
    let levels = [i16::MIN, -1, 0, 20, i16::MAX];
    let rows = levels
        .iter()
        .map(|level| {
            (
                format!("level {level}"),
                Log::new(format!("{}log", context.prefix), *level, "m", Utc::now()),
            )
        })
        .collect();
    round_trip(context, rows, |row: &Log| row.id, |row| row.level).await?;
    Ok("32-bit limits and 16-bit levels, extremes included".into())
}

async fn values_float(context: &Context) -> Outcome {
    let floats = [
        0.0,
        0.1 + 0.2,
        f64::MIN_POSITIVE,
        5e-324,
        1e300,
        f64::MAX,
        f64::MIN,
        -2.5,
    ];
    let rows = floats
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let mut row = ConcurrencyLimitV2::new(format!("{}float {index}", context.prefix), 1);
            row.avg_slot_occupancy_seconds = *value;
            (format!("float {value:e}"), row)
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &ConcurrencyLimitV2| row.id,
        // Bits, so that the comparison is exact.
        |row| row.avg_slot_occupancy_seconds.to_bits(),
    )
    .await
}

async fn values_float_special(context: &Context) -> Outcome {
    let floats = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0];
    let rows = floats
        .iter()
        .enumerate()
        .map(|(index, value)| {
            let mut row = ConcurrencyLimitV2::new(format!("{}special {index}", context.prefix), 1);
            row.slot_decay_per_second = *value;
            (format!("float {value}"), row)
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &ConcurrencyLimitV2| row.id,
        // NaN is not equal to itself, and -0.0 equals 0.0; their descriptions differ.
        |row| format!("{:?}", row.slot_decay_per_second),
    )
    .await
}

async fn values_boolean(context: &Context) -> Outcome {
    let rows = [true, false]
        .iter()
        .map(|active| {
            let mut row = ConcurrencyLimitV2::new(format!("{}active {active}", context.prefix), 1);
            row.active = *active;
            (format!("active {active}"), row)
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &ConcurrencyLimitV2| row.id,
        |row| row.active,
    )
    .await
}

async fn values_uuid(context: &Context) -> Outcome {
    let flow_id = Uuid::max();
    let mut flow = Flow::new(format!("{}uuid flow", context.prefix));
    flow.id = flow_id;
    round_trip(
        context,
        vec![("the max UUID as a key".to_owned(), flow)],
        |row: &Flow| row.id,
        |row| row.id,
    )
    .await?;
    let mut nil = Variable::new(format!("{}nil", context.prefix), json!(1));
    nil.id = Uuid::nil();
    let random = Variable::new(format!("{}random", context.prefix), json!(2));
    round_trip(
        context,
        vec![
            ("the nil UUID as a key".to_owned(), nil),
            ("a random UUID as a key".to_owned(), random),
        ],
        |row: &Variable| row.id,
        |row| row.id,
    )
    .await?;
    let run = FlowRun::new(flow_id, format!("{}uuid run", context.prefix), Utc::now());
    round_trip(
        context,
        vec![("a UUID as a reference".to_owned(), run)],
        |row: &FlowRun| row.id,
        |row| row.flow_id,
    )
    .await?;
    Ok("nil, max and random UUIDs, as keys and as references".into())
}

async fn values_timestamp(context: &Context) -> Outcome {
    let zone = |hours: i32| FixedOffset::east_opt(hours * 3600);
    let at = |zone: Option<FixedOffset>,
              y,
              mo,
              d,
              h,
              mi,
              s,
              micros: i64|
     -> Result<DateTime<Utc>, String> {
        let zone = zone.ok_or("a time zone out of range")?;
        let local = zone
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .ok_or("an invalid test time")?;
        Ok(local.with_timezone(&Utc) + TimeDelta::microseconds(micros))
    };
    let times = [
        ("the epoch", at(zone(0), 1970, 1, 1, 0, 0, 0, 0)?),
        (
            "a microsecond before the epoch",
            at(zone(0), 1970, 1, 1, 0, 0, 0, -1)?,
        ),
        (
            "1901, in UTC-12",
            at(zone(-12), 1901, 12, 13, 20, 45, 52, 999_999)?,
        ),
        (
            "a leap day in UTC+14",
            at(zone(14), 2024, 2, 29, 23, 59, 59, 123_456)?,
        ),
        ("2038 and after, in UTC+5:30", {
            let zone = FixedOffset::east_opt(5 * 3600 + 1800).ok_or("zone")?;
            at(Some(zone), 2038, 1, 19, 3, 14, 8, 1)?
        }),
        (
            "the year 9999",
            at(zone(0), 9999, 12, 31, 23, 59, 59, 999_999)?,
        ),
        ("now", crate::models::stored_now()),
    ];
    let rows = times
        .iter()
        .map(|(label, time)| {
            (
                (*label).to_owned(),
                Log::new(format!("{}time", context.prefix), 20, *label, *time),
            )
        })
        .collect();
    round_trip(context, rows, |row: &Log| row.id, |row| row.timestamp).await?;
    // Nanoseconds are rounded down to the microsecond, the rule of every dialect.
    let nanos = at(zone(0), 2026, 12, 3, 1, 2, 3, 0)? + TimeDelta::nanoseconds(456_789);
    let mut log = Log::new(format!("{}nanos", context.prefix), 20, "nanos", nanos);
    log.timestamp = nanos;
    let session = db(context)?.session().await.or_say("connect")?;
    session
        .insert(&log)
        .await
        .or_say("insert a time with nanoseconds")?;
    let read = session
        .get::<Log>(vec![log.id.into_value()])
        .await
        .or_say("read it back")?
        .ok_or("the row written is not there")?;
    expect_eq(
        "a time with nanoseconds (rounded down to the microsecond)",
        &(at(zone(0), 2026, 12, 3, 1, 2, 3, 456)?),
        &read.timestamp,
    )?;
    Ok(format!(
        "{} times, and nanoseconds rounded down",
        times.len()
    ))
}

async fn values_interval(context: &Context) -> Outcome {
    let flow = Flow::new(format!("{}interval flow", context.prefix));
    let session = db(context)?.session().await.or_say("connect")?;
    session.insert(&flow).await.or_say("insert a flow")?;
    let spans = [
        ("zero", TimeDelta::zero()),
        ("a microsecond", TimeDelta::microseconds(1)),
        (
            "90 seconds and 5 µs",
            TimeDelta::seconds(90) + TimeDelta::microseconds(5),
        ),
        ("3 days", TimeDelta::days(3)),
        (
            "about 30 years",
            TimeDelta::days(10_957) + TimeDelta::microseconds(999_999),
        ),
    ];
    let rows = spans
        .iter()
        .map(|(label, span)| {
            let mut run = FlowRun::new(flow.id, format!("{}{label}", context.prefix), Utc::now());
            run.total_run_time = Interval(*span);
            ((*label).to_owned(), run)
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &FlowRun| row.id,
        |row| row.total_run_time,
    )
    .await
}

async fn values_json(context: &Context) -> Outcome {
    let documents = [
        ("an empty object", json!({})),
        ("an empty array", json!([])),
        ("JSON null", json!(null)),
        ("a string", json!("just text")),
        (
            "nested",
            json!({"a": {"b": [1, 2, {"c": [true, false, null]}]}, "list": [[], {}]}),
        ),
        (
            "non-ASCII and escapes",
            json!({"名前": "héllo 🚀", "quote": "it's \"x\"", "control": "\t\n\u{1}", "slash": "a\\b/c"}),
        ),
        (
            "large and small numbers",
            json!({"max": i64::MAX, "min": i64::MIN, "u": u64::MAX, "float": 0.1, "big": 1e300, "neg": -0.5}),
        ),
        (
            "keys with placeholders",
            json!({"$1": "?", "%s": "{{ x }}"}),
        ),
    ];
    let rows = documents
        .iter()
        .enumerate()
        .map(|(index, (label, document))| {
            (
                (*label).to_owned(),
                Variable::new(format!("{}json {index}", context.prefix), document.clone()),
            )
        })
        .collect();
    round_trip(
        context,
        rows,
        |row: &Variable| row.id,
        |row| row.value.clone(),
    )
    .await
}

async fn values_null_and_enum(context: &Context) -> Outcome {
    let flow = Flow::new(format!("{}null flow", context.prefix));
    let session = db(context)?.session().await.or_say("connect")?;
    session.insert(&flow).await.or_say("insert a flow")?;
    let mut rows = Vec::new();
    let mut empty = FlowRun::new(flow.id, format!("{}all null", context.prefix), Utc::now());
    empty.expected_start_time = None;
    empty.job_variables = None;
    rows.push(("a run with every nullable column NULL".to_owned(), empty));
    for state in StateType::ALL {
        let mut run = FlowRun::new(flow.id, format!("{}{state:?}", context.prefix), Utc::now());
        run.state_type = Some(*state);
        run.state_name = Some(format!("{state:?}"));
        run.state_timestamp = Some(crate::models::stored_now());
        rows.push((format!("state {state:?}"), run));
    }
    round_trip(
        context,
        rows,
        |row: &FlowRun| row.id,
        |row| {
            (
                row.state_type,
                row.state_name.clone(),
                row.state_timestamp,
                row.expected_start_time,
                row.job_variables.clone(),
                row.deployment_id,
                row.idempotency_key.clone(),
                row.next_scheduled_start_time,
            )
        },
    )
    .await?;
    let mut variable = Variable::new(format!("{}null value", context.prefix), json!(null));
    variable.value = None;
    round_trip(
        context,
        vec![("a NULL JSON column (not JSON null)".to_owned(), variable)],
        |row: &Variable| row.id,
        |row| row.value.clone(),
    )
    .await?;
    Ok(format!(
        "NULL in uuid, text, time and JSON columns; {} state types",
        StateType::ALL.len()
    ))
}

// ---- locks -----------------------------------------------------------------------------------

async fn locks_immediate_transactions(context: &Context) -> Outcome {
    let db = db(context)?;
    let first = db.session().await.or_say("connect")?;
    let second = db.session().await.or_say("connect a second session")?;
    // Two connections open before the lock is taken, so that the check measures the lock,
    // not the opening of a connection under it.
    let warm_first = first.begin_transaction(false).await.or_say("begin")?;
    let warm_second = second.begin_transaction(false).await.or_say("begin")?;
    warm_first.rollback().await.or_say("rollback")?;
    warm_second.rollback().await.or_say("rollback")?;
    let holder = first
        .begin_transaction(true)
        .await
        .or_say("begin the first with_for_update transaction")?;
    // The second begins while the first is open, and must still be waiting (or be refused)
    // 300 ms later; then, once the first ends, it must begin.
    let retry = second.clone();
    let waiting = tokio::spawn(async move { second.begin_transaction(true).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut refused = false;
    if waiting.is_finished() {
        match waiting.await {
            Ok(Ok(transaction)) => {
                let _ = transaction.rollback().await;
                let _ = holder.rollback().await;
                return Err("a second with_for_update transaction began while the first was open: the write lock is not taken at begin".into());
            }
            // Refused at once (busy, with no busy timeout) keeps the promise too.
            Ok(Err(err)) if err.kind() == Some(ErrorKind::SERIALIZATION) => refused = true,
            Ok(Err(err)) => {
                let _ = holder.rollback().await;
                return Err(format!(
                    "the second with_for_update transaction failed otherwise: {err}"
                ));
            }
            Err(_) => {
                let _ = holder.rollback().await;
                return Err("the task beginning the second transaction panicked".into());
            }
        }
        holder.rollback().await.or_say("rollback the first")?;
        let later = tokio::time::timeout(Duration::from_secs(10), retry.begin_transaction(true))
            .await
            .map_err(|_| {
                "a with_for_update transaction could not begin after the first ended".to_owned()
            })?
            .or_say("begin after the first ended")?;
        later.rollback().await.or_say("rollback")?;
    } else {
        holder.rollback().await.or_say("rollback the first")?;
        let later = tokio::time::timeout(Duration::from_secs(10), waiting)
            .await
            .map_err(|_| "the waiting transaction did not begin after the first ended".to_owned())?
            .map_err(|_| "the task beginning the second transaction panicked".to_owned())?
            .or_say("the waiting transaction, once the first ended")?;
        later.rollback().await.or_say("rollback")?;
    }
    Ok(if refused {
        "the second was refused while the first held the write lock, and began once it ended".into()
    } else {
        "the second waited while the first held the write lock, and began once it ended".into()
    })
}

async fn connect_statement_timeout(context: &Context) -> Outcome {
    let db = db(context)?;
    let config = crate::config::DatabaseConfig {
        timeout: Some(Duration::from_millis(200)),
        ..crate::config::DatabaseConfig::new(db.config().url())
    };
    let limited = Arc::new(
        DbInterface::uncached(config, Arc::clone(&context.plugin))
            .map_err(|err| err.to_string())?,
    );
    let started = Instant::now();
    // Counting to 30 million takes seconds on every dialect measured.
    let slow = "with recursive numbers(n) as (select 1 union all select n + 1 from numbers where n < 30000000) \
                select count(*) as n from numbers";
    let database = limited.database().await.or_say("connect")?;
    let result =
        tokio::time::timeout(Duration::from_secs(20), database.fetch_all(slow, vec![])).await;
    let elapsed = started.elapsed();
    let outcome = match result {
        Err(_) => Err("a statement ran 20 s past a 200 ms statement timeout".to_owned()),
        Ok(Ok(_)) => Err(format!(
            "the slow statement finished ({} ms) despite a 200 ms statement timeout",
            elapsed.as_millis()
        )),
        Ok(Err(err)) if err.kind() == Some(ErrorKind::TIMEOUT) => Ok(()),
        Ok(Err(err)) => Err(format!(
            "a statement past the timeout failed as {:?}, not TIMEOUT: {err}",
            err.kind()
        )),
    };
    let after = database.fetch_all("select 1 as one", vec![]).await;
    limited.close().await;
    outcome?;
    after.or_say("a query after the timeout")?;
    Ok(format!("TIMEOUT after {} ms", elapsed.as_millis()))
}

async fn locks_skip_locked(context: &Context) -> Outcome {
    let db = db(context)?;
    let session = db.session().await.or_say("connect")?;
    let names: Vec<String> = (0..3)
        .map(|index| format!("{}locked {index}", context.prefix))
        .collect();
    for name in &names {
        session
            .insert(&ConcurrencyLimitV2::new(name.clone(), 1))
            .await
            .or_say("insert")?;
    }
    let mine = Select::<ConcurrencyLimitV2>::new()
        .filter(ConcurrencyLimitV2::name.is_in(names.iter().map(String::as_str)));
    let mut holder = session
        .begin_transaction(true)
        .await
        .or_say("begin the holder")?;
    let held = mine
        .clone()
        .filter(ConcurrencyLimitV2::name.eq(names[0].as_str()))
        .for_update(Lock::Wait)
        .fetch_in(db, &mut holder)
        .await
        .or_say("lock one row")?;
    expect_eq("rows locked by the holder", &1, &held.len())?;
    let other_session = db.session().await.or_say("connect a second session")?;
    let mut other = other_session
        .begin_transaction(true)
        .await
        .or_say("begin the second transaction")?;
    let seen = tokio::time::timeout(
        Duration::from_secs(10),
        mine.clone()
            .for_update(Lock::SkipLocked)
            .fetch_in(db, &mut other),
    )
    .await
    .map_err(|_| "a SKIP LOCKED read waited for the holder's lock".to_owned())?
    .or_say("read SKIP LOCKED")?;
    let _ = other.rollback().await;
    let _ = holder.rollback().await;
    let mut seen: Vec<String> = seen.into_iter().map(|row| row.name).collect();
    seen.sort();
    expect_eq(
        "rows a second transaction reads SKIP LOCKED",
        &names[1..].to_vec(),
        &seen,
    )?;
    Ok("the held row skipped, the others read".into())
}
