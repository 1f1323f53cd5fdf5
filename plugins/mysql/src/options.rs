//! Connection URLs, session set-up and the server versions this dialect serves.

use std::str::FromStr as _;

use flowdb_plugin_sdk::abi::ConnectOptions;
use sqlx::ConnectOptions as _;
use sqlx::mysql::MySqlConnectOptions;

use crate::error::{Error, ErrorExt as _, ErrorKind, Result};

/// The URL with its scheme as sqlx reads it: `mysql+aiomysql://`, `mariadb://`,
/// `mysql+asyncmy://` all become `mysql://` (the driver part names a Python driver).
pub(crate) fn sqlx_url(url: &str) -> Result<String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        Error::invalid_argument(format!(
            "`{}` is not a MySQL URL: expected mysql://user:password@host:port/database",
            redact(url)
        ))
    })?;
    let dialect = scheme.split('+').next().unwrap_or_default();
    if !matches!(dialect, "mysql" | "mariadb") {
        return Err(Error::invalid_argument(format!(
            "the scheme `{scheme}` is not mysql:// or mariadb://"
        )));
    }
    Ok(format!("mysql://{rest}"))
}

/// The URL with any password replaced, for messages.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((credentials, host)) if credentials.contains(':') => {
                let user = credentials.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            _ => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// The URL split into the server's URL (no database) and the database it names.
pub(crate) fn split_database(url: &str) -> Result<(String, Option<String>)> {
    let url = sqlx_url(url)?;
    let (scheme, rest) = url.split_once("://").unwrap_or(("mysql", &url));
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let (authority, database) = match before_query.split_once('/') {
        Some((authority, database)) if !database.is_empty() => (authority, Some(database)),
        Some((authority, _)) => (authority, None),
        None => (before_query, None),
    };
    let server = match query {
        Some(query) => format!("{scheme}://{authority}/?{query}"),
        None => format!("{scheme}://{authority}/"),
    };
    Ok((server, database.map(str::to_owned)))
}

/// sqlx's options for the URL: UTC and `||` as concatenation (sqlx sets both by default;
/// stated here because the contract's SQL depends on them).
pub(crate) fn connect_options(url: &str) -> Result<MySqlConnectOptions> {
    let parsed = MySqlConnectOptions::from_str(&sqlx_url(url)?).map_err(|err| {
        Error::invalid_argument(format!("malformed MySQL URL `{}`: {err}", redact(url)))
    })?;
    Ok(parsed
        .pipes_as_concat(true)
        .timezone(Some("+00:00".to_owned()))
        // sqlx would log every statement, and warn with its whole text of one over a second
        // (a migration): only `echo` asks for statements in the log.
        .disable_statement_logging())
}

/// The options' URL, as sqlx options; statements are logged (at INFO) with `echo`.
pub(crate) fn options_of(options: &ConnectOptions) -> Result<MySqlConnectOptions> {
    let connect = connect_options(options.url.as_str())?;
    Ok(if options.echo {
        connect.log_statements(log::LevelFilter::Info)
    } else {
        connect
    })
}

/// A database name as a quoted identifier, for `CREATE`/`DROP DATABASE`. Only names that need
/// no escaping are accepted: a name is the URL's, and a typo should not become a strange
/// database.
pub(crate) fn database_identifier(name: &str) -> Result<String> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '-');
    if !plain {
        return Err(Error::invalid_argument(format!(
            "the database name `{name}` is not one this plugin creates or drops: use up to 64 ASCII letters, digits, `_`, `$` or `-`"
        )));
    }
    Ok(format!("`{name}`"))
}

/// A server's product and version, from `SELECT VERSION()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerVersion {
    /// MariaDB (else MySQL).
    pub mariadb: bool,
    /// Major, minor and patch numbers.
    pub version: (u32, u32, u32),
}

/// Checks that the server can serve flowdb: `SKIP LOCKED`, which the worker poll needs,
/// arrived in MariaDB 10.6 and MySQL 8.0.
///
/// ```
/// use flowdb_plugin_mysql::check_server_version;
///
/// assert!(check_server_version("10.11.19-MariaDB-0+deb12u1").is_ok());
/// assert!(check_server_version("8.0.36").is_ok());
/// let old = check_server_version("10.5.23-MariaDB").unwrap_err();
/// assert!(old.message.contains("MariaDB 10.5.23") && old.message.contains("10.6"));
/// assert!(check_server_version("5.7.44-log").is_err());
/// ```
pub fn check_server_version(version: &str) -> Result<ServerVersion> {
    let mariadb = version.contains("MariaDB");
    // MariaDB 10 and later once prefixed their version with "5.5.5-" for old clients.
    let text = version.strip_prefix("5.5.5-").unwrap_or(version);
    let mut numbers = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        // A number too large for u32 is a version from the future, not version 0.
        .map(|part| part.parse::<u32>().unwrap_or(u32::MAX));
    let Some(major) = numbers.next() else {
        return Err(Error::new(
            ErrorKind::UNSUPPORTED,
            format!(
                "cannot read the server's version from `{}`: flowdb needs MariaDB 10.6 or later, or MySQL 8.0 or later",
                version.chars().take(80).collect::<String>()
            ),
        ));
    };
    let parsed = (
        major,
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
    );
    let (product, needed) = if mariadb {
        ("MariaDB", (10, 6))
    } else {
        ("MySQL", (8, 0))
    };
    if (parsed.0, parsed.1) < needed {
        return Err(Error::new(
            ErrorKind::UNSUPPORTED,
            format!(
                "the server is {product} {}.{}.{}, which has no SELECT … FOR UPDATE SKIP LOCKED, and flowdb's worker poll needs it: use MariaDB 10.6 or later, or MySQL 8.0 or later",
                parsed.0, parsed.1, parsed.2
            ),
        ));
    }
    Ok(ServerVersion {
        mariadb,
        version: parsed,
    })
}

/// What every new connection runs: double quotes quote identifiers (the contract's SQL quotes
/// them so), READ COMMITTED as Prefect's PostgreSQL sessions, recursive queries as deep as
/// PostgreSQL's (MariaDB stops at 1,000 iterations, MySQL at a depth of 1,000), and the
/// settings' statement timeout (MariaDB's `max_statement_time` in seconds, for every
/// statement; MySQL's `max_execution_time` in milliseconds, for SELECTs only).
pub(crate) fn session_statements(server: ServerVersion, timeout_ms: Option<u64>) -> Vec<String> {
    // MariaDB's SIMULTANEOUS_ASSIGNMENT makes an UPDATE's assignments all read the row as it
    // was, as in standard SQL (MySQL has no such mode: the SDK orders its assignments so that
    // none reads a column assigned before it).
    let modes = if server.mariadb {
        "',ANSI_QUOTES,SIMULTANEOUS_ASSIGNMENT'"
    } else {
        "',ANSI_QUOTES'"
    };
    let mut statements = vec![
        // Without NO_BACKSLASH_ESCAPES: the placeholder rewrite reads `\'` in a literal as an
        // escaped quote, as the server then does.
        format!(
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(REPLACE(CONCAT(@@sql_mode, {modes}), 'NO_BACKSLASH_ESCAPES', ''), ',,', ','))"
        ),
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED".to_owned(),
        // JSON_ARRAYAGG (the run graph's id lists) stops at group_concat_max_len, 1 MiB by
        // default, and cuts the array with only a warning.
        "SET SESSION group_concat_max_len = 4294967295".to_owned(),
        if server.mariadb {
            "SET SESSION max_recursive_iterations = 4294967295".to_owned()
        } else {
            "SET SESSION cte_max_recursion_depth = 4294967295".to_owned()
        },
    ];
    if let Some(ms) = timeout_ms.filter(|ms| *ms > 0) {
        statements.push(if server.mariadb {
            format!("SET SESSION max_statement_time = {}", ms as f64 / 1000.0)
        } else {
            format!("SET SESSION max_execution_time = {ms}")
        });
    }
    statements
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The boundaries, the old-client prefix, and text that is no version.
    #[test]
    fn server_versions_in_every_form() {
        for ok in [
            "10.6.0-MariaDB",
            "5.5.5-10.11.2-MariaDB-1:10.11.2+maria~ubu2204",
            "11.4.2-MariaDB-log",
            "8.0.0",
            "8.4.3-commercial",
            "9.1.0",
            "99999999999.0.0",
        ] {
            assert!(check_server_version(ok).is_ok(), "{ok}");
        }
        for (old, named) in [
            ("10.5.99-MariaDB", "MariaDB 10.5.99"),
            ("5.5.5-10.3.39-MariaDB", "MariaDB 10.3.39"),
            ("7.9.9", "MySQL 7.9.9"),
            ("5.7.44-log", "MySQL 5.7.44"),
        ] {
            let err = check_server_version(old).unwrap_err();
            assert!(
                err.message.contains(named) && err.message.contains("SKIP LOCKED"),
                "{old}: {}",
                err.message
            );
        }
        let long = "é'\"; DROP DATABASE x; --".repeat(20);
        for garbage in ["", "MariaDB", "version unknown", "\0\n", long.as_str()] {
            let err = check_server_version(garbage).unwrap_err();
            assert!(
                err.message.contains("cannot read the server's version"),
                "{garbage:?}: {}",
                err.message
            );
            assert!(err.message.chars().count() < 300, "{}", err.message);
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            sqlx_url("mysql+aiomysql://u:p@h:3306/db").unwrap(),
            "mysql://u:p@h:3306/db"
        );
        assert_eq!(sqlx_url("mariadb://h/db").unwrap(), "mysql://h/db");
        assert!(sqlx_url("postgres://h/db").is_err());
        assert_eq!(
            split_database("mysql://root@127.0.0.1:3306/flow?ssl-mode=disabled").unwrap(),
            (
                "mysql://root@127.0.0.1:3306/?ssl-mode=disabled".to_owned(),
                Some("flow".to_owned())
            )
        );
        assert_eq!(
            split_database("mariadb://root@h").unwrap(),
            ("mysql://root@h/".to_owned(), None)
        );
        assert!(database_identifier("ok_name-1").is_ok());
        assert!(database_identifier("bad`name").is_err());
        assert!(database_identifier("").is_err());
        assert!(!redact("mysql://u:secret@h/db").contains("secret"));
    }
}
