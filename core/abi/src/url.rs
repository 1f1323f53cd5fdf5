//! How both sides of the boundary show a connection URL: one implementation, so a password
//! the host masks is masked by every plugin's messages too.

/// The URL with any password replaced by `***`, for messages and logs. The host starts after
/// the last `@` of the authority, because a password may hold `/`, `?` or `@` unencoded (as
/// SQLAlchemy takes it).
///
/// ```
/// use flowdb_abi::url::redact_url;
/// assert_eq!(redact_url("postgresql://me:s3cret@db/x"), "postgresql://me:***@db/x");
/// assert_eq!(redact_url("sqlite:///x.db"), "sqlite:///x.db");
/// assert_eq!(redact_url("postgresql://me:p/w@db/x"), "postgresql://me:***@db/x");
/// assert_eq!(redact_url("postgresql://me:p@w?x@db:5432"), "postgresql://me:***@db:5432");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(authority_end(rest));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

/// Where the authority (`user:password@host:port`) of the part of a URL after `://` ends: at
/// the first `/` or `?` after the last `@`, or at once for a path (`sqlite:///path`, where an
/// `@` in the path is not a password's end).
///
/// ```
/// use flowdb_abi::url::authority_end;
/// let rest = "me:p/w@db:5432/prefect?sslmode=require";
/// assert_eq!(&rest[..authority_end(rest)], "me:p/w@db:5432");
/// assert_eq!(authority_end("/tmp/a@b.db"), 0);
/// ```
pub fn authority_end(rest: &str) -> usize {
    if rest.starts_with('/') {
        return 0;
    }
    let host_start = rest.rfind('@').map_or(0, |at| at + 1);
    rest[host_start..]
        .find(['/', '?'])
        .map_or(rest.len(), |end| host_start + end)
}
