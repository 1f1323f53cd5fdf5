//! The scheme of a connection URL, which picks the plugin.

use flowdb_abi::url::authority_end;
pub use flowdb_abi::url::redact_url;

use crate::error::Error;

/// A URL's dialect scheme and optional driver, `postgresql+asyncpg` → (`postgresql`, `asyncpg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlScheme {
    /// The scheme that selects the plugin, lowercased.
    pub dialect: String,
    /// The `+driver` part, accepted and reported but not used to choose.
    pub driver: Option<String>,
}

/// Reads the scheme of a connection URL.
///
/// ```
/// use flowdb::url::parse_scheme;
///
/// let scheme = parse_scheme("postgresql+asyncpg://u:p@host/db").unwrap();
/// assert_eq!((scheme.dialect.as_str(), scheme.driver.as_deref()), ("postgresql", Some("asyncpg")));
/// assert_eq!(parse_scheme("sqlite::memory:").unwrap().dialect, "sqlite");
/// assert!(parse_scheme("not a url").is_err());
/// ```
pub fn parse_scheme(url: &str) -> Result<UrlScheme, Error> {
    let invalid = |reason: &str| Error::InvalidUrl {
        url: redact_url(url),
        reason: reason.to_owned(),
    };
    let scheme = match url.split_once("://") {
        Some((scheme, _)) => scheme,
        // sqlx's in-memory shorthand has no `//`.
        None if url.starts_with("sqlite::memory:") => "sqlite",
        None => {
            return Err(invalid(
                "expected `scheme://…`, e.g. postgresql+asyncpg://user:pass@host/db or sqlite:///path.db",
            ));
        }
    };
    let (dialect, driver) = match scheme.split_once('+') {
        Some((dialect, driver)) => (dialect, Some(driver)),
        None => (scheme, None),
    };
    let valid = |part: &str| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    };
    if !valid(dialect) || driver.is_some_and(|driver| !valid(driver)) {
        return Err(invalid(&format!("`{scheme}` is not a valid scheme")));
    }
    Ok(UrlScheme {
        dialect: dialect.to_ascii_lowercase(),
        driver: driver.map(str::to_ascii_lowercase),
    })
}

/// The URL of a throwaway database beside `url`'s, named `name`: for a file dialect, the file
/// `<temp dir>/<name>.db`; for a server dialect, the database `name` on the same server, with
/// the same credentials and query options.
///
/// ```
/// use flowdb::url::scratch_url;
///
/// assert_eq!(
///     scratch_url("postgresql+asyncpg://me:pw@db:5432/prefect?sslmode=require", false, "tmp1").unwrap(),
///     "postgresql+asyncpg://me:pw@db:5432/tmp1?sslmode=require"
/// );
/// assert_eq!(
///     scratch_url("postgresql://me:p/w?x@db/prefect", false, "tmp1").unwrap(),
///     "postgresql://me:p/w?x@db/tmp1"
/// );
/// let file = scratch_url("sqlite+aiosqlite:///prefect.db", true, "tmp1").unwrap();
/// assert!(file.starts_with("sqlite+aiosqlite:////") && file.ends_with("/tmp1.db"));
/// ```
pub fn scratch_url(url: &str, file_based: bool, name: &str) -> Result<String, Error> {
    scratch_url_in(url, file_based, name, &std::env::temp_dir())
}

/// [`scratch_url`], with a file-based dialect's file in `dir` rather than the temporary
/// directory (the conformance suite keeps its files in a directory of its own).
pub fn scratch_url_in(
    url: &str,
    file_based: bool,
    name: &str,
    dir: &std::path::Path,
) -> Result<String, Error> {
    parse_scheme(url)?;
    // The one scheme-only form `parse_scheme` accepts is sqlx's `sqlite::memory:`.
    let (scheme, rest) = url.split_once("://").unwrap_or(("sqlite", ""));
    if file_based {
        let path = dir.join(format!("{name}.db"));
        let path = path.to_str().ok_or_else(|| Error::InvalidUrl {
            url: path.display().to_string(),
            reason: "the temporary directory's path is not UTF-8; set TMPDIR to one that is".into(),
        })?;
        // `scheme:///` + an absolute path: the four-slash form of an absolute SQLite path.
        return Ok(format!("{scheme}:///{path}"));
    }
    let (authority, tail) = rest.split_at(authority_end(rest));
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}
