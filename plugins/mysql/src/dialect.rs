//! The dialect: identity, pools, and creating and dropping databases.

use std::time::Duration;

use flowdb_plugin_sdk::abi::ConnectOptions;
use flowdb_plugin_sdk::{Dialect, Result};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{AssertSqlSafe, ConnectOptions as _, Connection as _, Executor as _};

use crate::error::{Error, ErrorExt as _, ErrorKind, from_sqlx};
use crate::options::{
    check_server_version, database_identifier, options_of, session_statements, split_database,
};
use crate::pool::MySqlPoolHandle;

/// The MariaDB/MySQL dialect.
pub struct MySqlDialect;

/// Opens one connection to the server the URL names, without choosing its database.
async fn server_connection(options: &ConnectOptions) -> Result<(sqlx::MySqlConnection, String)> {
    let (server_url, database) = split_database(options.url.as_str())?;
    let name = database.ok_or_else(|| {
        Error::invalid_argument("the URL names no database: mysql://user@host:3306/DATABASE")
    })?;
    let identifier = database_identifier(&name)?;
    let connect: MySqlConnectOptions = crate::options::connect_options(&server_url)?;
    let connection = connect.connect().await.map_err(from_sqlx)?;
    Ok((connection, identifier))
}

/// Runs the statement `sql` makes of the URL's database identifier, on a connection to its
/// server that chooses no database.
async fn on_server(options: &ConnectOptions, sql: impl FnOnce(&str) -> String) -> Result<()> {
    let (mut connection, identifier) = server_connection(options).await?;
    let done = connection
        .execute(AssertSqlSafe(sql(&identifier)))
        .await
        .map_err(from_sqlx);
    let _ = connection.close().await;
    done.map(|_| ())
}

impl Dialect for MySqlDialect {
    const NAME: &'static str = "mysql";
    const URL_SCHEMES: &'static [&'static str] = &["mysql", "mariadb"];
    const CAPABILITIES: &'static [&'static str] = &[
        "server",
        "create-database",
        "drop-database",
        "statement-timeout",
        "skip-locked",
    ];

    type Pool = MySqlPoolHandle;

    async fn connect(options: ConnectOptions) -> Result<MySqlPoolHandle> {
        let connect = options_of(&options)?;
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
        let connect_timeout = options
            .connect_timeout_ms
            .into_option()
            .map_or(Duration::from_secs(5), Duration::from_millis);
        let statement_timeout = options.statement_timeout_ms.into_option();
        // One connection of its own first: the pool retries a refused or unresolvable server
        // until its timeout and then says only that time ran out, where this says why.
        match tokio::time::timeout(connect_timeout, connect.connect()).await {
            Err(_) => {
                return Err(Error::new(
                    ErrorKind::CONNECTION,
                    format!(
                        "no connection to the MySQL server within {} ms (it accepted none, or never answered)",
                        connect_timeout.as_millis()
                    ),
                ));
            }
            Ok(Err(sqlx::Error::Io(io))) => {
                return Err(Error::new(
                    ErrorKind::CONNECTION,
                    format!(
                        "cannot reach the MySQL server at {}:{}: {io}",
                        connect.get_host(),
                        connect.get_port()
                    ),
                ));
            }
            Ok(Err(err)) => return Err(from_sqlx(err)),
            Ok(Ok(probe)) => {
                let _ = probe.close().await;
            }
        }
        let pool = MySqlPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(acquire_timeout)
            .after_connect(move |connection, _meta| {
                Box::pin(async move {
                    let version: String = sqlx::query_scalar("SELECT VERSION()")
                        .fetch_one(&mut *connection)
                        .await?;
                    let server = check_server_version(&version).map_err(|err| {
                        sqlx::Error::Configuration(err.message.to_string().into())
                    })?;
                    for statement in session_statements(server, statement_timeout) {
                        connection.execute(AssertSqlSafe(statement)).await?;
                    }
                    Ok(())
                })
            })
            .connect_lazy_with(connect);
        // The first connection now, so that an unreachable server, a wrong password or a
        // server too old fails here, naming why, rather than at the first query.
        let first = tokio::time::timeout(connect_timeout, pool.acquire()).await;
        match first {
            Err(_) => {
                pool.close().await;
                return Err(Error::new(
                    ErrorKind::CONNECTION,
                    format!(
                        "no connection to the MySQL server within {} ms",
                        connect_timeout.as_millis()
                    ),
                ));
            }
            Ok(Err(sqlx::Error::Configuration(message))) => {
                pool.close().await;
                return Err(Error::new(ErrorKind::UNSUPPORTED, message.to_string()));
            }
            Ok(Err(err)) => {
                pool.close().await;
                return Err(from_sqlx(err));
            }
            Ok(Ok(connection)) => drop(connection),
        }
        Ok(MySqlPoolHandle::new(pool, max))
    }

    fn query_components(
        options: &ConnectOptions,
    ) -> Result<Box<dyn flowdb_plugin_sdk::DialectQueries>> {
        crate::queries::query_components(options)
    }

    fn orm_configuration() -> Box<dyn flowdb_plugin_sdk::DialectOrm> {
        Box::new(crate::migrate::MySqlOrm)
    }

    async fn create_database(options: ConnectOptions) -> Result<()> {
        on_server(&options, |database| {
            format!("CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        })
        .await
    }

    async fn drop_database(options: ConnectOptions) -> Result<()> {
        on_server(&options, |database| {
            format!("DROP DATABASE IF EXISTS {database}")
        })
        .await
    }
}
