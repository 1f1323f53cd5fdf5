//! PostgreSQL URLs (Prefect's `postgresql+asyncpg://…` and plain `postgres://…`) and the connect
//! options Prefect applies.

use std::str::FromStr as _;
use std::time::Duration;

use flowdb_plugin_sdk::abi::ConnectOptions;
use flowdb_plugin_sdk::abi::abi_stable::std_types::ROption;
use flowdb_plugin_sdk::redact_url;
use percent_encoding::percent_decode_str;
use sqlx::ConnectOptions as _;
use sqlx::postgres::{PgConnectOptions, PgSslMode};

use crate::error::{Error, ErrorExt, Result};

/// Builds sqlx's connect options from a URL and Prefect's settings.
///
/// The `+driver` part of the scheme is dropped (`postgresql+asyncpg` is served by sqlx), and
/// asyncpg's `ssl=` parameter is read as libpq's `sslmode=`. Sessions run READ COMMITTED, which
/// Prefect forces because its conditional concurrency-slot updates rely on PostgreSQL
/// re-checking the predicate after a row lock.
///
/// ```
/// use flowdb_plugin_postgres::pg_connect_options;
/// use flowdb_plugin_sdk::abi::{ConnectOptions, PoolOptions, TlsOptions};
/// use flowdb_plugin_sdk::abi::abi_stable::std_types::{ROption, RVec};
///
/// let options = ConnectOptions {
///     url: "postgresql+asyncpg://prefect:secret@db.internal:5433/prefect".into(),
///     echo: false,
///     statement_timeout_ms: ROption::RSome(10_000),
///     connect_timeout_ms: ROption::RSome(5_000),
///     pool: PoolOptions { size: 5, max_overflow: 10, recycle_secs: 3600, acquire_timeout_ms: ROption::RNone },
///     application_name: ROption::RSome("prefect-server".into()),
///     search_path: ROption::RNone,
///     statement_cache_size: ROption::RNone,
///     tls: TlsOptions { enabled: false, ca_file: ROption::RNone, cert_file: ROption::RNone, key_file: ROption::RNone, check_hostname: true },
///     extra: RVec::new(),
/// };
/// let pg = pg_connect_options(&options).unwrap();
/// assert_eq!(pg.get_host(), "db.internal");
/// assert_eq!(pg.get_port(), 5433);
/// assert_eq!(pg.get_database(), Some("prefect"));
/// assert_eq!(pg.get_application_name(), Some("prefect-server"));
/// ```
pub fn pg_connect_options(options: &ConnectOptions) -> Result<PgConnectOptions> {
    Ok(pg_session(options)?.connect)
}

/// How the plugin talks to one server: the connect options and, behind a transaction-mode
/// pooler, how each transaction begins.
pub(crate) struct PgSession {
    /// sqlx's connect options.
    pub(crate) connect: PgConnectOptions,
    /// `Some` behind a transaction-mode pooler (PgBouncer), which Prefect's convention marks
    /// by turning the statement cache off (`statement_cache_size` or
    /// `prepared_statement_cache_size` 0, in the settings or the URL). A server connection is
    /// then ours only inside a transaction: statements are unnamed and run inside one, and the
    /// session settings that would have been startup parameters (which PgBouncer refuses or
    /// drops) are set by the statement that begins it, held here.
    pub(crate) pooled_begin: Option<String>,
}

pub(crate) fn pg_session(options: &ConnectOptions) -> Result<PgSession> {
    let url = options.url.as_str();
    let malformed = |why: String| {
        Error::invalid_argument(format!(
            "malformed PostgreSQL URL `{}`: {why}; expected postgresql[+driver]://user:password@host:port/database",
            redact_url(url)
        ))
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| malformed("no `://` after the scheme".into()))?;
    let dialect = scheme
        .split_once('+')
        .map_or(scheme, |(dialect, _driver)| dialect)
        .to_ascii_lowercase();
    if dialect != "postgresql" && dialect != "postgres" {
        return Err(malformed(format!(
            "the scheme `{scheme}` is not a PostgreSQL scheme"
        )));
    }
    // The userinfo is taken apart here, as SQLAlchemy does, and handed to sqlx as values:
    // Prefect accepts a password holding `/`, `?` or `#` unencoded, which a URL parser reads
    // as the start of the path, the query or a fragment.
    let (credentials, host_and_rest) = match split_userinfo(rest) {
        Some((userinfo, remainder)) => {
            let (user, password) = userinfo
                .split_once(':')
                .map_or((userinfo, None), |(user, password)| (user, Some(password)));
            let decode = |part: &str, what: &str| {
                percent_decode_str(part)
                    .decode_utf8()
                    .map(|decoded| decoded.into_owned())
                    .map_err(|_| malformed(format!("the {what} is not UTF-8 once %-decoded")))
            };
            // A second `@` after a password makes the URL ambiguous: an unencoded `@` in the
            // password would otherwise send the rest of it to DNS as a host name, and into
            // messages. SQLAlchemy wants it written %40; so does flowdb, saying so.
            if password.is_some() && remainder.contains('@') {
                return Err(malformed(
                    "it holds more than one `@`; write an `@` in the password (or after it) as %40"
                        .into(),
                ));
            }
            let user = decode(user, "user name")?;
            let password = password.map(|p| decode(p, "password")).transpose()?;
            (Some((user, password)), remainder)
        }
        None => (None, rest),
    };
    let (authority_path, query) = host_and_rest.split_once('?').unwrap_or((host_and_rest, ""));
    let mut kept = Vec::new();
    let mut cache_off_in_url = false;
    let mut startup = vec![(
        "default_transaction_isolation".to_owned(),
        "read committed".to_owned(),
    )];
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            // asyncpg's spelling of libpq's sslmode.
            "ssl" => kept.push(format!(
                "sslmode={}",
                if value == "true" { "require" } else { value }
            )),
            "default_transaction_isolation" => {
                startup.retain(|(name, _)| name != key);
                startup.push((key.to_owned(), value.replace('+', " ").replace("%20", " ")));
            }
            // asyncpg's and SQLAlchemy's statement caches; 0 is how Prefect's users say
            // "behind PgBouncer".
            "prepared_statement_cache_size" | "statement_cache_size" => {
                cache_off_in_url |= value == "0";
            }
            // asyncpg connect kwargs that have no sqlx equivalent here; the settings cover them.
            "command_timeout" | "timeout" => {}
            _ => kept.push(pair.to_owned()),
        }
    }
    let normalised = if kept.is_empty() {
        format!("postgres://{authority_path}")
    } else {
        format!("postgres://{authority_path}?{}", kept.join("&"))
    };
    let mut pg =
        PgConnectOptions::from_str(&normalised).map_err(|err| malformed(err.to_string()))?;
    if let Some((user, password)) = credentials {
        if !user.is_empty() {
            pg = pg.username(&user);
        }
        if let Some(password) = password {
            pg = pg.password(&password);
        }
    }

    if let ROption::RSome(timeout) = options.statement_timeout_ms {
        startup.push(("statement_timeout".to_owned(), timeout.to_string()));
    }
    if let ROption::RSome(search_path) = &options.search_path {
        startup.push(("search_path".to_owned(), search_path.to_string()));
    }
    // The hot path is short statements; PostgreSQL's JIT compiles the flow-run graph query
    // (its estimated cost is high) for ~1.7 s per call here, for Prefect as for flowdb, where
    // running it takes milliseconds. An operator who wants JIT sets `jit` in the URL's
    // `options`, which is then left alone.
    if !query.contains("jit") {
        startup.push(("jit".to_owned(), "off".to_owned()));
    }
    let behind_pooler =
        cache_off_in_url || matches!(options.statement_cache_size, ROption::RSome(0));
    let pooled_begin = if behind_pooler {
        // PgBouncer refuses startup parameters it does not know (extra_float_digits, options)
        // unless told to ignore them, and then they are lost; PostgreSQL's default of 1 for
        // extra_float_digits already prints floats exactly.
        pg = pg.extra_float_digits(None);
        Some(pooled_begin_sql(&startup))
    } else {
        pg = pg.options(startup);
        None
    };
    if let ROption::RSome(name) = &options.application_name {
        pg = pg.application_name(name);
    }
    if let ROption::RSome(size) = options.statement_cache_size {
        pg = pg.statement_cache_capacity(size as usize);
    }
    if options.tls.enabled {
        pg = pg.ssl_mode(if options.tls.check_hostname {
            PgSslMode::VerifyFull
        } else {
            PgSslMode::VerifyCa
        });
        if let ROption::RSome(ca) = &options.tls.ca_file {
            readable(ca.as_str(), "CA file (tls.ca_file)", true)?;
            pg = pg.ssl_root_cert(ca.as_str());
        }
        match (&options.tls.cert_file, &options.tls.key_file) {
            (ROption::RSome(cert), ROption::RSome(key)) => {
                readable(cert.as_str(), "client certificate (tls.cert_file)", true)?;
                readable(key.as_str(), "client key (tls.key_file)", false)?;
                pg = pg
                    .ssl_client_cert(cert.as_str())
                    .ssl_client_key(key.as_str());
            }
            (ROption::RNone, ROption::RNone) => {}
            _ => {
                return Err(Error::invalid_argument(
                    "TLS needs both cert_file and key_file, or neither",
                ));
            }
        }
    }
    let connect = if options.echo {
        pg.log_statements(log::LevelFilter::Info)
    } else {
        pg.disable_statement_logging()
    };
    Ok(PgSession {
        connect,
        pooled_begin,
    })
}

/// The userinfo of the part of a URL after `://`, and what follows its `@`, by SQLAlchemy's
/// rule: a user name without `:` or `/`, then optionally `:` and a password without `@`. So
/// an `@` later in the path or the query (`?application_name=me@host`) is not taken for the
/// end of a password, and a password's own `@` must be written `%40`, as for Prefect.
///
/// ```text
/// me:p/w?x@db/x            -> ("me:p/w?x", "db/x")
/// db/x?application_name=a@b -> None
/// ```
fn split_userinfo(rest: &str) -> Option<(&str, &str)> {
    let at = rest.find('@')?;
    let userinfo = &rest[..at];
    let user = userinfo.split(':').next().unwrap_or_default();
    (!user.contains('/')).then(|| (userinfo, &rest[at + 1..]))
}

/// `BEGIN` with the session's settings applied to the transaction alone, by `SET LOCAL` (the
/// isolation level as `transaction_isolation`, first, before anything takes a snapshot), all
/// in one simple-protocol message: the same one round trip as a bare `BEGIN`.
fn pooled_begin_sql(settings: &[(String, String)]) -> String {
    let mut sql = String::from("BEGIN");
    let mut ordered: Vec<&(String, String)> = settings.iter().collect();
    ordered.sort_by_key(|(name, _)| name != "default_transaction_isolation");
    for (name, value) in ordered {
        let name = match name.as_str() {
            "default_transaction_isolation" => "transaction_isolation".to_owned(),
            // Setting names come from this file and the URL; keep only what a name may hold.
            other => other
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                .collect(),
        };
        sql.push_str(&format!(
            "; SET LOCAL {name} = '{}'",
            value.replace('\'', "''")
        ));
    }
    sql
}
/// Fails unless the TLS file at `path` can be opened, naming the setting: sqlx reads the
/// files only when it connects, and then says "No such file or directory" without saying
/// which. The key's path is a secret (it tells where the key is) and is never shown.
fn readable(path: &str, what: &str, show_path: bool) -> Result<()> {
    std::fs::File::open(path).map(drop).map_err(|err| {
        let shown = if show_path {
            format!(" `{path}`")
        } else {
            String::new()
        };
        Error::invalid_argument(format!(
            "the TLS {what}{shown} cannot be read: {}; check the setting and the file's permissions",
            err.kind()
        ))
    })
}

/// How long to wait for a connection to open (Prefect's `connection_timeout`, 5 s).
pub(crate) fn connect_timeout(options: &ConnectOptions) -> Duration {
    options
        .connect_timeout_ms
        .into_option()
        .map_or(Duration::from_secs(5), Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::split_userinfo;

    #[test]
    fn the_userinfo_ends_where_sqlalchemy_ends_it() {
        assert_eq!(
            split_userinfo("me:p/w?x#y@db/x"),
            Some(("me:p/w?x#y", "db/x"))
        );
        assert_eq!(split_userinfo("me@db/x"), Some(("me", "db/x")));
        assert_eq!(split_userinfo("db/x?application_name=a@b"), None);
        assert_eq!(split_userinfo("db:5432/x"), None);
        // A password's own `@` must be %-encoded; the first `@` ends it.
        assert_eq!(split_userinfo("me:p@w@db/x"), Some(("me:p", "w@db/x")));
    }
}
