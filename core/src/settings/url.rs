//! The connection URL: the explicit one with password templating, or one composed from the
//! individual settings.

use super::{DatabaseSettings, Driver, SecretString, Settings, SettingsError};

/// The URL placeholders that [`Settings::connection_url`] replaces with the password setting.
pub(super) const PASSWORD_PLACEHOLDERS: [&str; 2] = [
    "${PREFECT_API_DATABASE_PASSWORD}",
    "${PREFECT_SERVER_DATABASE_PASSWORD}",
];

/// File name of the default SQLite database inside [`Settings::home`].
const DEFAULT_DB_FILE: &str = "flowdb.db";

impl Settings {
    /// The effective URL: the explicit one (with password templating), else composed from
    /// driver/host/port/user/password/name, else the default SQLite file
    /// `sqlite+aiosqlite:///{home}/flowdb.db`.
    pub fn connection_url(&self) -> Result<SecretString, SettingsError> {
        let db = &self.database;
        if let Some(url) = &db.connection_url {
            return substitute_password(url.expose(), db.password.as_ref());
        }
        match db.driver {
            None => self.default_sqlite_url(),
            Some(Driver::SqliteAiosqlite) => match db.name.as_deref().filter(|n| !n.is_empty()) {
                Some(name) => Ok(SecretString(format!("sqlite+aiosqlite:///{name}"))),
                None => self.default_sqlite_url(),
            },
            Some(Driver::PostgresqlAsyncpg) => compose_postgres(db),
        }
    }

    fn default_sqlite_url(&self) -> Result<SecretString, SettingsError> {
        let file = self.home.join(DEFAULT_DB_FILE);
        match file.to_str() {
            Some(file) => Ok(SecretString(format!("sqlite+aiosqlite:///{file}"))),
            None => Err(SettingsError::NonUnicodeHome {
                home: self.home.clone(),
            }),
        }
    }
}

/// Replaces the password placeholders in an explicit URL, verbatim, as Prefect does (a
/// password with URL-special characters must be given already percent-encoded there).
fn substitute_password(
    url: &str,
    password: Option<&SecretString>,
) -> Result<SecretString, SettingsError> {
    let mut url = url.to_owned();
    for placeholder in PASSWORD_PLACEHOLDERS {
        if url.contains(placeholder) {
            let password = password.ok_or(SettingsError::MissingPassword { placeholder })?;
            url = url.replace(placeholder, password.expose());
        }
    }
    Ok(SecretString(url))
}

/// `postgresql+asyncpg://user[:password]@host:port/name`; host, user and name are required
/// (unset or empty counts as missing).
fn compose_postgres<'a>(db: &'a DatabaseSettings) -> Result<SecretString, SettingsError> {
    let field = |v: &'a Option<String>| v.as_deref().filter(|s| !s.is_empty());
    let (host, user, name) = (field(&db.host), field(&db.user), field(&db.name));
    let (Some(host), Some(user), Some(name)) = (host, user, name) else {
        let missing = [("host", host), ("user", user), ("name", name)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect();
        return Err(SettingsError::MissingConnectionSettings {
            driver: Driver::PostgresqlAsyncpg,
            missing,
        });
    };
    let mut url = String::from("postgresql+asyncpg://");
    url.push_str(&percent_encode(user));
    if let Some(password) = &db.password {
        url.push(':');
        url.push_str(&percent_encode(password.expose()));
    }
    url.push('@');
    // An IPv6 literal needs brackets in a URL (SQLAlchemy adds them the same way).
    if host.contains(':') && !host.starts_with('[') {
        url.push('[');
        url.push_str(host);
        url.push(']');
    } else {
        url.push_str(host);
    }
    url.push(':');
    url.push_str(&db.port.unwrap_or(5432).to_string());
    url.push('/');
    url.push_str(name);
    Ok(SecretString(url))
}

/// Percent-encodes everything but RFC 3986 unreserved characters. Hand-rolled rather than
/// taken from the `percent-encoding` crate: it is ten lines, and this module keeps to the
/// workspace's existing dependencies (thiserror, serde, toml).
pub(super) fn percent_encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
