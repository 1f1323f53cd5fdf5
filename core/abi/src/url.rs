//! How both sides of the boundary show a connection URL: one implementation, so a password
//! the host masks is masked by every plugin's messages too.

/// Query-string parameters whose values are secrets (compared ignoring ASCII case): a
/// password given as libpq takes it (`?password=`), the password of a TLS key, and the key's
/// path, which tells an attacker where the key is.
pub const SECRET_QUERY_PARAMETERS: [&str; 4] = ["password", "sslpassword", "sslkey", "ssl_key"];

/// The URL with any password — in the userinfo or in a
/// [secret query parameter](SECRET_QUERY_PARAMETERS) — replaced by `***`, for messages and
/// logs. The host starts after the last `@` of the authority, because a password may hold
/// `/`, `?` or `#` unencoded (as SQLAlchemy takes it).
///
/// ```
/// use flowdb_abi::url::redact_url;
/// assert_eq!(redact_url("postgresql://me:s3cret@db/x"), "postgresql://me:***@db/x");
/// assert_eq!(redact_url("sqlite:///x.db"), "sqlite:///x.db");
/// assert_eq!(redact_url("postgresql://me:p/w@db/x"), "postgresql://me:***@db/x");
/// assert_eq!(redact_url("postgresql://me:p@w?x@db:5432"), "postgresql://me:***@db:5432");
/// assert_eq!(
///     redact_url("postgresql://me@db/x?sslmode=require&Password=s3cret&sslkey=/k.pem"),
///     "postgresql://me@db/x?sslmode=require&Password=***&sslkey=***"
/// );
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(authority_end(rest));
    let mut redacted = format!("{scheme}://");
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            match userinfo.split_once(':') {
                Some((user, _password)) => redacted.push_str(&format!("{user}:***")),
                None => redacted.push_str(userinfo),
            }
            redacted.push('@');
            redacted.push_str(host);
        }
        None => redacted.push_str(authority),
    }
    let Some((path, query)) = tail.split_once('?') else {
        redacted.push_str(tail);
        return redacted;
    };
    redacted.push_str(path);
    redacted.push('?');
    let pairs = query.split('&').map(|pair| match pair.split_once('=') {
        Some((key, _value)) if is_secret_parameter(key) => format!("{key}=***"),
        _ => pair.to_owned(),
    });
    redacted.push_str(&pairs.collect::<Vec<_>>().join("&"));
    redacted
}

/// Whether a query-string key names a secret; `%`-encoded keys are not decoded, so a key
/// spelt with escapes is masked too when it holds a secret's name.
fn is_secret_parameter(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_QUERY_PARAMETERS
        .iter()
        .any(|secret| key == *secret || key.contains("password"))
        || key.contains('%')
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
