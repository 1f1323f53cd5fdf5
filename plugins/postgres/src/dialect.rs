//! The PostgreSQL dialect: its identity and how to open, create and drop a database.

use std::time::Duration;

use flowdb_plugin_sdk::abi::ConnectOptions;
use flowdb_plugin_sdk::{Dialect, DialectOrm, DialectQueries, Result};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions as _, Connection as _, PgConnection};

use crate::error::{Error, ErrorExt, ErrorKind, from_sqlx};
use flowdb_plugin_sdk::redact_url;

use crate::options::{PgSession, connect_timeout, pg_connect_options, pg_session};
use crate::pool::PgPoolHandle;

/// How long a pooled connection may sit idle before it is pinged on checkout.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// The PostgreSQL dialect.
pub struct PgDialect;

impl Dialect for PgDialect {
    const NAME: &'static str = "postgresql";
    const URL_SCHEMES: &'static [&'static str] = &["postgresql", "postgres"];
    const CAPABILITIES: &'static [&'static str] = &[
        "server",
        "create-database",
        "drop-database",
        "tls",
        "statement-timeout",
        "float-special",
        "skip-locked",
    ];

    type Pool = PgPoolHandle;

    async fn connect(options: ConnectOptions) -> Result<PgPoolHandle> {
        let PgSession {
            connect,
            pooled_begin,
        } = pg_session(&options)?;
        let max = options
            .pool
            .size
            .saturating_add(options.pool.max_overflow)
            .max(1);
        let acquire_timeout = options
            .pool
            .acquire_timeout_ms
            .into_option()
            .map_or(Duration::from_secs(30), Duration::from_millis);
        let lifetime = u64::try_from(options.pool.recycle_secs)
            .ok()
            .map(Duration::from_secs);
        let pool_options = PgPoolOptions::new()
            .max_connections(max)
            .max_lifetime(lifetime)
            .acquire_timeout(acquire_timeout)
            // Prefect's pool_pre_ping checks every connection before handing it out: a round
            // trip per checkout, which doubles the cost of a one-statement operation. A
            // connection used within the last second is as good as checked; one idle longer
            // (the server may have closed it) is pinged, and replaced if it does not answer.
            .test_before_acquire(false)
            .before_acquire(|connection, meta| {
                Box::pin(async move {
                    if meta.idle_for < PING_AFTER_IDLE {
                        return Ok(true);
                    }
                    Ok(connection.ping().await.is_ok())
                })
            });
        let timeout = connect_timeout(&options);
        // A bare TCP connect first: sqlx's pool retries a refused connection until its acquire
        // timeout, which would turn "connection refused" into a slow, vague timeout. (A Unix
        // socket that is missing fails at once, without retries.)
        if connect.get_socket().is_none() {
            let address = (connect.get_host().to_owned(), connect.get_port());
            within(timeout, &connect, async {
                tokio::net::TcpStream::connect(address)
                    .await
                    .map_err(sqlx::Error::Io)
            })
            .await?;
        }
        // Then the pool opens its first connection and keeps it, so a wrong password or a
        // missing database fails here, and the handshake (TLS included) is paid once, not
        // twice as with a throwaway probe connection.
        let pool = within(
            timeout,
            &connect,
            pool_options.connect_with(connect.clone()),
        )
        .await?;
        Ok(PgPoolHandle::new(pool, max, pooled_begin))
    }

    async fn create_database(options: ConnectOptions) -> Result<()> {
        on_maintenance_db(&options, |name| format!("CREATE DATABASE {name}")).await
    }

    async fn drop_database(options: ConnectOptions) -> Result<()> {
        on_maintenance_db(&options, |name| {
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        })
        .await
    }

    fn query_components(options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
        crate::queries::query_components(options)
    }

    fn orm_configuration() -> Box<dyn DialectOrm> {
        Box::new(crate::migrate::PgOrm)
    }
}

/// Runs `future` (a connect attempt) with the connect timeout, naming the server on failure.
async fn within<T>(
    timeout: Duration,
    target: &PgConnectOptions,
    future: impl Future<Output = std::result::Result<T, sqlx::Error>>,
) -> Result<T> {
    let server = format!("{}:{}", target.get_host(), target.get_port());
    match tokio::time::timeout(timeout, future).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => {
            let err = from_sqlx(err);
            Err(Error {
                message: format!(
                    "could not connect to PostgreSQL at {server}: {}",
                    err.message
                )
                .into(),
                ..err
            })
        }
        Err(_) => Err(Error::new(
            ErrorKind::TIMEOUT,
            format!(
                "could not connect to PostgreSQL at {server} within {:.1} s (connection_timeout)",
                timeout.as_secs_f64()
            ),
        )),
    }
}

/// Connects to the `postgres` maintenance database of the same server and runs the statement
/// `make` builds from the quoted name of the URL's database.
async fn on_maintenance_db(
    options: &ConnectOptions,
    make: impl FnOnce(&str) -> String,
) -> Result<()> {
    let target = pg_connect_options(options)?;
    let name = target
        .get_database()
        .ok_or_else(|| {
            Error::invalid_argument(format!(
                "the URL `{}` names no database",
                redact_url(&options.url)
            ))
        })?
        .to_owned();
    let maintenance = target.clone().database("postgres");
    let mut connection: PgConnection = within(
        connect_timeout(options),
        &maintenance,
        maintenance.connect(),
    )
    .await?;
    let quoted = format!("\"{}\"", name.replace('"', "\"\""));
    // The simple protocol: nothing to bind, and one message a pooler cannot split.
    let outcome = sqlx::raw_sql(AssertSqlSafe(make(&quoted)))
        .execute(&mut connection)
        .await
        .map_err(from_sqlx);
    let _ = connection.close().await;
    outcome.map(|_| ())
}
