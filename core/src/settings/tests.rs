use super::load::{CONFIG_VAR, HOME_VAR, collect_env};
use super::spec::SPECS;
use super::url::{PASSWORD_PLACEHOLDERS, percent_encode};
use super::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn ok(pairs: &[(&str, &str)]) -> Settings {
    match Settings::from_sources(&env(pairs), None) {
        Ok(s) => s,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn err(pairs: &[(&str, &str)]) -> String {
    match Settings::from_sources(&env(pairs), None) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e.to_string(),
    }
}

fn url(s: &Settings) -> String {
    match s.connection_url() {
        Ok(u) => u.expose().to_owned(),
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn url_err(s: &Settings) -> String {
    match s.connection_url() {
        Ok(u) => panic!("expected an error, got {}", u.expose()),
        Err(e) => e.to_string(),
    }
}

/// A TOML file in the temp dir, removed on drop.
struct TempToml(PathBuf);

impl TempToml {
    fn new(contents: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "flowdb-settings-test-{}-{}.toml",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        if let Err(e) = std::fs::write(&path, contents) {
            panic!("cannot write {}: {e}", path.display());
        }
        TempToml(path)
    }

    fn load(&self, pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        Settings::from_sources(&env(pairs), Some(&self.0))
    }

    fn ok(&self, pairs: &[(&str, &str)]) -> Settings {
        match self.load(pairs) {
            Ok(s) => s,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    /// The error message, with the file path replaced by `FILE`.
    fn err(&self, pairs: &[(&str, &str)]) -> String {
        match self.load(pairs) {
            Ok(s) => panic!("expected an error, got {s:?}"),
            Err(e) => e.to_string().replace(&self.0.display().to_string(), "FILE"),
        }
    }
}

impl Drop for TempToml {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// --- defaults -------------------------------------------------------------------------

#[test]
fn defaults_match_prefect() {
    let s = ok(&[("HOME", "/home/u")]);
    let d = &s.database;
    assert_eq!(s.home, PathBuf::from("/home/u/.flowdb"));
    assert_eq!(d.connection_url, None);
    assert_eq!(d.driver, None);
    assert_eq!(d.host, None);
    assert_eq!(d.port, None);
    assert_eq!(d.user, None);
    assert_eq!(d.password, None);
    assert_eq!(d.name, None);
    assert!(!d.echo);
    assert!(d.migrate_on_start);
    assert_eq!(d.timeout, Some(10.0));
    assert_eq!(d.connection_timeout, Some(5.0));
    assert_eq!(d.migration_timeout, None);
    assert_eq!(d.pool.pool_size, 5);
    assert_eq!(d.pool.max_overflow, 10);
    assert_eq!(d.pool.pool_recycle, 3600);
    assert_eq!(d.pool.pool_timeout, Some(30.0));
    let c = &d.pool.connect_args;
    assert_eq!(c.application_name, None);
    assert_eq!(c.search_path, None);
    assert_eq!(c.statement_cache_size, None);
    assert_eq!(c.prepared_statement_cache_size, None);
    assert!(!c.tls.enabled);
    assert_eq!(c.tls.ca_file, None);
    assert_eq!(c.tls.cert_file, None);
    assert_eq!(c.tls.key_file, None);
    assert!(c.tls.check_hostname);
    assert_eq!(*d, Settings::default().database);
    assert_eq!(url(&s), "sqlite+aiosqlite:////home/u/.flowdb/flowdb.db");
}

#[test]
fn home_fallbacks() {
    assert_eq!(ok(&[]).home, PathBuf::from("./.flowdb"));
    assert_eq!(ok(&[("HOME", "")]).home, PathBuf::from("./.flowdb"));
    assert_eq!(
        ok(&[("FLOWDB_HOME", "/srv/flow")]).home,
        PathBuf::from("/srv/flow")
    );
    assert_eq!(
        ok(&[("FLOWDB_HOME", "~/x"), ("HOME", "/home/u")]).home,
        PathBuf::from("/home/u/x")
    );
    assert_eq!(
        ok(&[("FLOWDB_HOME", "~"), ("HOME", "/home/u")]).home,
        PathBuf::from("/home/u")
    );
    assert_eq!(ok(&[("FLOWDB_HOME", "~/x")]).home, PathBuf::from("~/x"));
    assert_eq!(
        err(&[("FLOWDB_HOME", "")]),
        r#"invalid value "" for FLOWDB_HOME: expected a directory path"#
    );
    let expected = match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        Some(h) => PathBuf::from(h).join(".flowdb"),
        None => PathBuf::from("./.flowdb"),
    };
    assert_eq!(Settings::default().home, expected);
}

// --- environment ----------------------------------------------------------------------

#[test]
fn api_names_work_and_server_names_win() {
    let s = ok(&[
        ("PREFECT_API_DATABASE_HOST", "api-host"),
        ("PREFECT_API_DATABASE_TIMEOUT", "1.5"),
        ("PREFECT_API_DATABASE_ECHO", "yes"),
    ]);
    assert_eq!(s.database.host.as_deref(), Some("api-host"));
    assert_eq!(s.database.timeout, Some(1.5));
    assert!(s.database.echo);

    let s = ok(&[
        ("PREFECT_API_DATABASE_HOST", "api-host"),
        ("PREFECT_SERVER_DATABASE_HOST", "server-host"),
        ("PREFECT_API_DATABASE_TIMEOUT", "1.5"),
        ("PREFECT_SERVER_DATABASE_TIMEOUT", "2.5"),
        ("PREFECT_API_DATABASE_ECHO", "yes"),
        ("PREFECT_SERVER_DATABASE_ECHO", "off"),
        ("PREFECT_API_DATABASE_PASSWORD", "api-pw"),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "server-pw"),
    ]);
    assert_eq!(s.database.host.as_deref(), Some("server-host"));
    assert_eq!(s.database.timeout, Some(2.5));
    assert!(!s.database.echo);
    assert_eq!(
        s.database.password.as_ref().map(SecretString::expose),
        Some("server-pw")
    );
}

#[test]
fn the_server_name_wins_even_when_the_api_value_is_invalid() {
    let s = ok(&[
        ("PREFECT_API_DATABASE_PORT", "nope"),
        ("PREFECT_SERVER_DATABASE_PORT", "6543"),
    ]);
    assert_eq!(s.database.port, Some(6543));
}

#[test]
fn every_setting_from_env() {
    let s = ok(&[
        (
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "sqlite+aiosqlite:///x.db",
        ),
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_SERVER_DATABASE_HOST", "h"),
        ("PREFECT_SERVER_DATABASE_PORT", " 6432 "),
        ("PREFECT_SERVER_DATABASE_USER", "u"),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "p"),
        ("PREFECT_SERVER_DATABASE_NAME", "n"),
        ("PREFECT_SERVER_DATABASE_ECHO", "TRUE"),
        ("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "0"),
        ("PREFECT_SERVER_DATABASE_TIMEOUT", "0"),
        ("PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", "1e1"),
        ("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "120"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "20"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", "0"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", "-1"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", "2.25"),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME",
            "flowdb",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH",
            "flow,public",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE",
            "0",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_PREPARED_STATEMENT_CACHE_SIZE",
            "100",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED",
            "on",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE",
            "/ca.pem",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE",
            "/c.pem",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE",
            "/k.pem",
        ),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME",
            "n",
        ),
        ("FLOWDB_SQL_TEMPLATE_DIR", "/templates"),
    ]);
    let expected = DatabaseSettings {
        connection_url: Some(SecretString::new("sqlite+aiosqlite:///x.db")),
        driver: Some(Driver::PostgresqlAsyncpg),
        host: Some("h".into()),
        port: Some(6432),
        user: Some("u".into()),
        password: Some("p".into()),
        name: Some("n".into()),
        echo: true,
        migrate_on_start: false,
        timeout: Some(0.0),
        connection_timeout: Some(10.0),
        migration_timeout: Some(120.0),
        pool: PoolSettings {
            pool_size: 20,
            max_overflow: 0,
            pool_recycle: -1,
            pool_timeout: Some(2.25),
            connect_args: ConnectArgs {
                application_name: Some("flowdb".into()),
                search_path: Some("flow,public".into()),
                statement_cache_size: Some(0),
                prepared_statement_cache_size: Some(100),
                tls: TlsSettings {
                    enabled: true,
                    ca_file: Some("/ca.pem".into()),
                    cert_file: Some("/c.pem".into()),
                    key_file: Some("/k.pem".into()),
                    check_hostname: false,
                },
            },
        },
        sql_template_dir: Some("/templates".into()),
    };
    assert_eq!(s.database, expected);
}

#[test]
fn legacy_pool_names() {
    let s = ok(&[
        ("PREFECT_SQLALCHEMY_POOL_SIZE", "7"),
        ("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "3"),
    ]);
    assert_eq!(
        (s.database.pool.pool_size, s.database.pool.max_overflow),
        (7, 3)
    );
    let s = ok(&[
        ("PREFECT_SQLALCHEMY_POOL_SIZE", "7"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "8"),
        ("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "3"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", "4"),
    ]);
    assert_eq!(
        (s.database.pool.pool_size, s.database.pool.max_overflow),
        (8, 4)
    );
}

#[test]
fn names_without_an_api_alias_are_not_read() {
    let s = ok(&[
        ("PREFECT_API_DATABASE_MIGRATION_TIMEOUT", "5"),
        ("PREFECT_API_DATABASE_SQLALCHEMY_POOL_SIZE", "50"),
    ]);
    assert_eq!(s.database.migration_timeout, None);
    assert_eq!(s.database.pool.pool_size, 5);
}

#[test]
fn bool_spellings() {
    for (text, expected) in [
        ("true", true),
        ("True", true),
        ("1", true),
        ("yes", true),
        ("ON", true),
        ("t", true),
        ("Y", true),
        ("false", false),
        ("FALSE", false),
        ("0", false),
        ("no", false),
        ("off", false),
        ("f", false),
        ("N", false),
    ] {
        let s = ok(&[("PREFECT_SERVER_DATABASE_ECHO", text)]);
        assert_eq!(s.database.echo, expected, "{text}");
    }
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_ECHO", "maybe")]),
        r#"invalid value "maybe" for PREFECT_SERVER_DATABASE_ECHO: expected a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)"#
    );
}

#[test]
fn empty_strings_are_values() {
    let s = ok(&[("PREFECT_SERVER_DATABASE_HOST", "")]);
    assert_eq!(s.database.host.as_deref(), Some(""));
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "")]),
        r#"invalid value "" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE: expected a non-negative integer (at most 4294967295)"#
    );
}

// --- invalid environment values -------------------------------------------------------

#[test]
fn invalid_numbers() {
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_TIMEOUT", "abc")]),
        r#"invalid value "abc" for PREFECT_SERVER_DATABASE_TIMEOUT: expected a number of seconds"#
    );
    assert_eq!(
        err(&[("PREFECT_API_DATABASE_CONNECTION_TIMEOUT", "-1")]),
        r#"invalid value "-1" for PREFECT_API_DATABASE_CONNECTION_TIMEOUT: expected a finite, non-negative number of seconds"#
    );
    for bad in ["nan", "inf", "-inf"] {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", bad)]),
            format!(
                "invalid value {bad:?} for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT: \
                 expected a finite, non-negative number of seconds"
            )
        );
    }
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", "1.5")]),
        r#"invalid value "1.5" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE: expected an integer number of seconds (-1 = never)"#
    );
}

#[test]
fn negative_and_oversized_counts() {
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "-1")]),
        r#"invalid value "-1" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE: expected a non-negative integer (at most 4294967295)"#
    );
    assert_eq!(
        err(&[("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "-5")]),
        r#"invalid value "-5" for PREFECT_SQLALCHEMY_MAX_OVERFLOW: expected a non-negative integer (at most 4294967295)"#
    );
    assert_eq!(
        err(&[(
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE",
            "4294967296"
        )]),
        r#"invalid value "4294967296" for PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE: expected a non-negative integer (at most 4294967295)"#
    );
}

#[test]
fn migration_timeout_must_be_positive() {
    for bad in ["0", "-2", "0.0"] {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", bad)]),
            format!(
                "invalid value {bad:?} for PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT: \
                 expected a finite number of seconds greater than 0"
            )
        );
    }
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "soon")]),
        r#"invalid value "soon" for PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT: expected a number of seconds"#
    );
    let s = ok(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "0.5")]);
    assert_eq!(s.database.migration_timeout, Some(0.5));
}

#[test]
fn port_out_of_range() {
    for bad in ["0", "65536", "-1", "abc", "54.32"] {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_PORT", bad)]),
            format!(
                "invalid value {bad:?} for PREFECT_SERVER_DATABASE_PORT: \
                 expected a port number between 1 and 65535"
            )
        );
    }
    assert_eq!(
        ok(&[("PREFECT_API_DATABASE_PORT", "65535")]).database.port,
        Some(65535)
    );
}

#[test]
fn unknown_driver() {
    assert_eq!(
        err(&[("PREFECT_SERVER_DATABASE_DRIVER", "mysql+aiomysql")]),
        r#"invalid value "mysql+aiomysql" for PREFECT_SERVER_DATABASE_DRIVER: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#
    );
    assert_eq!(
        ok(&[("PREFECT_API_DATABASE_DRIVER", "sqlite+aiosqlite")])
            .database
            .driver,
        Some(Driver::SqliteAiosqlite)
    );
    assert_eq!(
        "postgresql+asyncpg".parse::<Driver>().ok(),
        Some(Driver::PostgresqlAsyncpg)
    );
    assert_eq!(
        "postgresql".parse::<Driver>().map_err(|e| e.to_string()),
        Err(r#"invalid value "postgresql" for driver: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#.to_owned())
    );
    assert_eq!(Driver::SqliteAiosqlite.to_string(), "sqlite+aiosqlite");
}

#[test]
fn collect_env_reads_known_names_and_rejects_non_unicode() {
    let fake = env(&[
        ("PREFECT_SERVER_DATABASE_HOST", "h"),
        ("FLOWDB_CONFIG", "/etc/flowdb.toml"),
        ("HOME", "/home/u"),
        ("UNRELATED", "x"),
    ]);
    let got = collect_env(|name| {
        fake.get(name)
            .cloned()
            .ok_or(std::env::VarError::NotPresent)
    });
    let got = match got {
        Ok(g) => g,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert_eq!(got.len(), 3);
    assert_eq!(
        got.get("FLOWDB_CONFIG").map(String::as_str),
        Some("/etc/flowdb.toml")
    );

    let got = collect_env(|name| {
        if name == "PREFECT_API_DATABASE_NAME" {
            Err(std::env::VarError::NotUnicode("\u{fffd}".into()))
        } else {
            Err(std::env::VarError::NotPresent)
        }
    });
    assert_eq!(
        got.map_err(|e| e.to_string()),
        Err("environment variable PREFECT_API_DATABASE_NAME is not valid unicode".to_owned())
    );
}

// --- TOML file ------------------------------------------------------------------------

const FULL_FILE: &str = r#"
    [server.api]
    port = 4200

    [server.database]
    connection_url = "postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/db"
    driver = "postgresql+asyncpg"
    host = "file-host"
    port = 6543
    user = "file-user"
    password = "file-pw"
    name = "file-db"
    echo = true
    migrate_on_start = "no"
    timeout = 3
    connection_timeout = 2.5
    migration_timeout = "60"

    [server.database.sqlalchemy]
    pool_size = 11
    max_overflow = 12
    pool_recycle = 60
    pool_timeout = 9.5

    [server.database.sqlalchemy.connect_args]
    application_name = "app"
    search_path = "s,public"
    statement_cache_size = 0
    prepared_statement_cache_size = 50

    [server.database.sqlalchemy.connect_args.tls]
    enabled = 1
    ca_file = "/tls/ca.pem"
    cert_file = "/tls/cert.pem"
    key_file = "/tls/key.pem"
    check_hostname = false

    [logging]
    level = "DEBUG"
"#;

#[test]
fn file_beats_defaults() {
    let file = TempToml::new(FULL_FILE);
    let s = file.ok(&[]);
    let d = &s.database;
    assert_eq!(
        d.connection_url.as_ref().map(SecretString::expose),
        Some("postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/db")
    );
    assert_eq!(d.driver, Some(Driver::PostgresqlAsyncpg));
    assert_eq!(d.host.as_deref(), Some("file-host"));
    assert_eq!(d.port, Some(6543));
    assert_eq!(d.user.as_deref(), Some("file-user"));
    assert_eq!(d.password, Some(SecretString::new("file-pw")));
    assert_eq!(d.name.as_deref(), Some("file-db"));
    assert!(d.echo);
    assert!(!d.migrate_on_start);
    assert_eq!(d.timeout, Some(3.0));
    assert_eq!(d.connection_timeout, Some(2.5));
    assert_eq!(d.migration_timeout, Some(60.0));
    assert_eq!(d.pool.pool_size, 11);
    assert_eq!(d.pool.max_overflow, 12);
    assert_eq!(d.pool.pool_recycle, 60);
    assert_eq!(d.pool.pool_timeout, Some(9.5));
    let c = &d.pool.connect_args;
    assert_eq!(c.application_name.as_deref(), Some("app"));
    assert_eq!(c.search_path.as_deref(), Some("s,public"));
    assert_eq!(c.statement_cache_size, Some(0));
    assert_eq!(c.prepared_statement_cache_size, Some(50));
    assert!(c.tls.enabled);
    assert_eq!(c.tls.ca_file, Some(PathBuf::from("/tls/ca.pem")));
    assert_eq!(c.tls.cert_file, Some(PathBuf::from("/tls/cert.pem")));
    assert_eq!(c.tls.key_file, Some(PathBuf::from("/tls/key.pem")));
    assert!(!c.tls.check_hostname);
    assert_eq!(url(&s), "postgresql+asyncpg://u:file-pw@h/db");
}

#[test]
fn env_beats_file() {
    let file = TempToml::new(FULL_FILE);
    let s = file.ok(&[
        ("PREFECT_API_DATABASE_HOST", "env-host"),
        ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "1"),
        (
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME",
            "true",
        ),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "env-pw"),
    ]);
    assert_eq!(s.database.host.as_deref(), Some("env-host"));
    assert_eq!(s.database.pool.pool_size, 1);
    assert!(s.database.pool.connect_args.tls.check_hostname);
    // Untouched by the environment: still from the file.
    assert_eq!(s.database.user.as_deref(), Some("file-user"));
    assert_eq!(s.database.pool.max_overflow, 12);
    assert_eq!(url(&s), "postgresql+asyncpg://u:env-pw@h/db");
}

#[test]
fn env_value_shadows_a_bad_file_value() {
    let file = TempToml::new("[server.database]\ntimeout = \"soon\"\n");
    let s = file.ok(&[("PREFECT_SERVER_DATABASE_TIMEOUT", "4")]);
    assert_eq!(s.database.timeout, Some(4.0));
}

#[test]
fn files_without_database_settings() {
    for text in [
        "",
        "[server]\nhome = 1\n",
        "[logging]\nlevel = 1\n",
        "[server.api]\nx = 1\n",
    ] {
        let file = TempToml::new(text);
        assert_eq!(
            file.ok(&[("HOME", "/h")]),
            ok(&[("HOME", "/h")]),
            "{text:?}"
        );
    }
}

#[test]
fn dotted_keys_and_inline_tables() {
    let file = TempToml::new(
        "server.database.sqlalchemy = { pool_size = 2, connect_args.tls.enabled = true }\n",
    );
    let s = file.ok(&[]);
    assert_eq!(s.database.pool.pool_size, 2);
    assert!(s.database.pool.connect_args.tls.enabled);
}

#[test]
fn deprecated_flat_pool_keys() {
    let file =
        TempToml::new("[server.database]\nsqlalchemy_pool_size = 3\nsqlalchemy_max_overflow = 4\n");
    let s = file.ok(&[]);
    assert_eq!(
        (s.database.pool.pool_size, s.database.pool.max_overflow),
        (3, 4)
    );

    let file = TempToml::new(
        "[server.database]\nsqlalchemy_pool_size = 3\n[server.database.sqlalchemy]\npool_size = 9\n",
    );
    assert_eq!(file.ok(&[]).database.pool.pool_size, 9);
}

#[test]
fn unknown_keys_are_errors() {
    let file = TempToml::new("[server.database]\nhots = \"x\"\n");
    assert_eq!(
        file.err(&[]),
        "unknown key server.database.hots in FILE: valid keys are connection_url, driver, \
         host, port, user, password, name, echo, migrate_on_start, timeout, \
         connection_timeout, migration_timeout, sqlalchemy, sqlalchemy_pool_size, \
         sqlalchemy_max_overflow, sql_template_dir"
    );
    let file = TempToml::new("[server.database.sqlalchemy]\npoolsize = 1\n");
    assert_eq!(
        file.err(&[]),
        "unknown key server.database.sqlalchemy.poolsize in FILE: valid keys are \
         pool_size, max_overflow, pool_recycle, pool_timeout, connect_args"
    );
    let file = TempToml::new("[server.database.sqlalchemy.connect_args.tls]\nverify = true\n");
    assert_eq!(
        file.err(&[]),
        "unknown key server.database.sqlalchemy.connect_args.tls.verify in FILE: valid \
         keys are enabled, ca_file, cert_file, key_file, check_hostname"
    );
    // Unknown keys are errors even when the environment sets everything.
    let file = TempToml::new("[server.database.sqlalchemy.connect_args]\nssl = true\n");
    assert_eq!(
        file.err(&[("PREFECT_SERVER_DATABASE_HOST", "h")]),
        "unknown key server.database.sqlalchemy.connect_args.ssl in FILE: valid keys are \
         application_name, search_path, statement_cache_size, \
         prepared_statement_cache_size, tls"
    );
}

#[test]
fn tables_where_values_belong_and_values_where_tables_belong() {
    let file = TempToml::new("[server.database]\nsqlalchemy = 5\n");
    assert_eq!(
        file.err(&[]),
        "invalid value 5 for server.database.sqlalchemy in FILE: expected a table"
    );
    let file = TempToml::new("server = \"x\"\n");
    assert_eq!(
        file.err(&[]),
        r#"invalid value "x" for server in FILE: expected a table"#
    );
    let file = TempToml::new("[server]\ndatabase = [1]\n");
    assert_eq!(
        file.err(&[]),
        "invalid value [...] for server.database in FILE: expected a table"
    );
    let file = TempToml::new("[server.database.timeout]\nx = 1\n");
    assert_eq!(
        file.err(&[]),
        "invalid value {...} for server.database.timeout in FILE: expected a number of seconds"
    );
}

#[test]
fn invalid_file_values() {
    let cases = [
        (
            "timeout = \"abc\"",
            r#"invalid value "abc" for server.database.timeout in FILE: expected a number of seconds"#,
        ),
        (
            "echo = 2",
            "invalid value 2 for server.database.echo in FILE: expected a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)",
        ),
        (
            "port = 70000",
            "invalid value 70000 for server.database.port in FILE: expected a port number between 1 and 65535",
        ),
        (
            "driver = \"postgres\"",
            r#"invalid value "postgres" for server.database.driver in FILE: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#,
        ),
        (
            "host = 5",
            "invalid value 5 for server.database.host in FILE: expected a string",
        ),
        (
            "migration_timeout = 0",
            "invalid value 0 for server.database.migration_timeout in FILE: expected a finite number of seconds greater than 0",
        ),
        (
            "sqlalchemy_pool_size = -3",
            "invalid value -3 for server.database.sqlalchemy_pool_size in FILE: expected a non-negative integer (at most 4294967295)",
        ),
        (
            "sqlalchemy.max_overflow = 1.5",
            "invalid value 1.5 for server.database.sqlalchemy.max_overflow in FILE: expected a non-negative integer (at most 4294967295)",
        ),
        (
            "sqlalchemy.connect_args.tls.ca_file = false",
            "invalid value false for server.database.sqlalchemy.connect_args.tls.ca_file in FILE: expected a file path",
        ),
        (
            "connection_timeout = 1979-05-27",
            "invalid value 1979-05-27 for server.database.connection_timeout in FILE: expected a number of seconds",
        ),
    ];
    for (body, expected) in cases {
        let file = TempToml::new(&format!("[server.database]\n{body}\n"));
        assert_eq!(file.err(&[]), expected, "{body}");
    }
}

#[test]
fn secrets_of_the_wrong_type_are_not_echoed() {
    let file = TempToml::new("[server.database]\npassword = 123456789\n");
    assert_eq!(
        file.err(&[]),
        "invalid value ********** for server.database.password in FILE: expected a string"
    );
    let file = TempToml::new("[server.database]\nconnection_url = [\"postgresql://u:pw@h/d\"]\n");
    let message = file.err(&[]);
    assert_eq!(
        message,
        "invalid value ********** for server.database.connection_url in FILE: expected a string"
    );
}

#[test]
fn unreadable_file() {
    let path = std::env::temp_dir().join(format!(
        "flowdb-settings-test-{}-missing.toml",
        std::process::id()
    ));
    let message = match Settings::from_sources(&env(&[]), Some(&path)) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e.to_string(),
    };
    let prefix = format!("cannot read config file {}: ", path.display());
    assert!(message.starts_with(&prefix), "{message}");
    assert!(message.len() > prefix.len(), "{message}");
}

#[test]
fn broken_toml() {
    let file = TempToml::new("[server.database]\nhost = \"h\"\npassword = \"hunter2\n");
    let message = file.err(&[]);
    assert!(
        message.starts_with("cannot parse config file FILE: line 3, column "),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    assert!(!message.contains('\n'), "{message}");

    let file = TempToml::new("[server.database\n");
    let message = file.err(&[]);
    assert!(
        message.starts_with("cannot parse config file FILE: line 1, column "),
        "{message}"
    );
}

// --- connection URL -------------------------------------------------------------------

#[test]
fn password_templating() {
    for placeholder in PASSWORD_PLACEHOLDERS {
        let s = ok(&[
            (
                "PREFECT_API_DATABASE_CONNECTION_URL",
                &format!("postgresql+asyncpg://u:{placeholder}@h:5432/d"),
            ),
            ("PREFECT_API_DATABASE_PASSWORD", "s3cret"),
        ]);
        assert_eq!(url(&s), "postgresql+asyncpg://u:s3cret@h:5432/d");
    }
    // Both placeholders, several times; substituted verbatim.
    let s = ok(&[
        (
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "x://${PREFECT_API_DATABASE_PASSWORD}/${PREFECT_SERVER_DATABASE_PASSWORD}/${PREFECT_API_DATABASE_PASSWORD}",
        ),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "p@ss"),
    ]);
    assert_eq!(url(&s), "x://p@ss/p@ss/p@ss");
    // No placeholder: the URL is used as is, and an unset password is fine.
    let s = ok(&[(
        "PREFECT_SERVER_DATABASE_CONNECTION_URL",
        "sqlite+aiosqlite:///a.db",
    )]);
    assert_eq!(url(&s), "sqlite+aiosqlite:///a.db");
}

#[test]
fn templating_without_a_password_is_an_error() {
    let s = ok(&[(
        "PREFECT_SERVER_DATABASE_CONNECTION_URL",
        "postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/d",
    )]);
    assert_eq!(
        url_err(&s),
        "the connection url contains ${PREFECT_SERVER_DATABASE_PASSWORD} but no database \
         password is set (set PREFECT_SERVER_DATABASE_PASSWORD or server.database.password)"
    );
}

#[test]
fn explicit_url_wins_over_composition() {
    let s = ok(&[
        (
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "sqlite+aiosqlite:///explicit.db",
        ),
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
    ]);
    assert_eq!(url(&s), "sqlite+aiosqlite:///explicit.db");
}

#[test]
fn postgres_composition() {
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_SERVER_DATABASE_HOST", "db.local"),
        ("PREFECT_SERVER_DATABASE_PORT", "6432"),
        ("PREFECT_SERVER_DATABASE_USER", "prefect"),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "pw"),
        ("PREFECT_SERVER_DATABASE_NAME", "flows"),
    ]);
    assert_eq!(
        url(&s),
        "postgresql+asyncpg://prefect:pw@db.local:6432/flows"
    );

    // Default port, percent-encoded user and password.
    let s = ok(&[
        ("PREFECT_API_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_API_DATABASE_HOST", "db"),
        ("PREFECT_API_DATABASE_USER", "me@corp"),
        ("PREFECT_API_DATABASE_PASSWORD", "p@ss:w/rd %é~"),
        ("PREFECT_API_DATABASE_NAME", "prefect"),
    ]);
    assert_eq!(
        url(&s),
        "postgresql+asyncpg://me%40corp:p%40ss%3Aw%2Frd%20%25%C3%A9~@db:5432/prefect"
    );

    // No password; IPv6 host.
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_SERVER_DATABASE_HOST", "::1"),
        ("PREFECT_SERVER_DATABASE_USER", "u"),
        ("PREFECT_SERVER_DATABASE_NAME", "d"),
    ]);
    assert_eq!(url(&s), "postgresql+asyncpg://u@[::1]:5432/d");
}

#[test]
fn postgres_composition_requires_host_user_name() {
    let s = ok(&[("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg")]);
    assert_eq!(
        url_err(&s),
        "missing required database connection settings for driver postgresql+asyncpg: \
         host, user, name"
    );
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_SERVER_DATABASE_HOST", "h"),
        ("PREFECT_SERVER_DATABASE_USER", ""),
    ]);
    assert_eq!(
        url_err(&s),
        "missing required database connection settings for driver postgresql+asyncpg: \
         user, name"
    );
}

#[test]
fn sqlite_composition() {
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
        ("PREFECT_SERVER_DATABASE_NAME", "/var/lib/flow.db"),
    ]);
    assert_eq!(url(&s), "sqlite+aiosqlite:////var/lib/flow.db");
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
        ("FLOWDB_HOME", "/data"),
    ]);
    assert_eq!(url(&s), "sqlite+aiosqlite:////data/flowdb.db");
    let s = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
        ("PREFECT_SERVER_DATABASE_NAME", ""),
    ]);
    assert_eq!(url(&s), "sqlite+aiosqlite:///./.flowdb/flowdb.db");
}

#[test]
fn default_url_without_driver() {
    assert_eq!(url(&ok(&[])), "sqlite+aiosqlite:///./.flowdb/flowdb.db");
    assert_eq!(
        url(&ok(&[
            ("FLOWDB_HOME", "/srv/flowdb"),
            ("PREFECT_SERVER_DATABASE_NAME", "x")
        ])),
        "sqlite+aiosqlite:////srv/flowdb/flowdb.db"
    );
}

#[cfg(unix)]
#[test]
fn non_unicode_home_is_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let mut s = ok(&[]);
    s.home = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/\xff"));
    assert_eq!(
        url_err(&s),
        "home directory /tmp/\u{fffd} is not valid unicode and cannot be used in a connection url"
    );
}

// --- secrets --------------------------------------------------------------------------

#[test]
fn debug_and_display_hide_secrets() {
    let s = ok(&[
        (
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "postgresql+asyncpg://u:topsecret1@h/d",
        ),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "topsecret2"),
    ]);
    let debug = format!("{s:?} {s:#?}");
    assert!(!debug.contains("topsecret"), "{debug}");
    assert!(
        debug.contains("connection_url: Some(**********)"),
        "{debug}"
    );
    assert!(debug.contains("password: Some(**********)"), "{debug}");

    let url = match s.connection_url() {
        Ok(u) => u,
        Err(e) => panic!("unexpected error: {e}"),
    };
    assert_eq!(format!("{url} {url:?}"), "********** **********");
    assert_eq!(url.expose(), "postgresql+asyncpg://u:topsecret1@h/d");

    let composed = ok(&[
        ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ("PREFECT_SERVER_DATABASE_HOST", "h"),
        ("PREFECT_SERVER_DATABASE_USER", "u"),
        ("PREFECT_SERVER_DATABASE_PASSWORD", "topsecret3"),
        ("PREFECT_SERVER_DATABASE_NAME", "d"),
    ]);
    let composed_url = composed.connection_url();
    assert!(!format!("{composed_url:?}").contains("topsecret"));
}

#[test]
fn percent_encoding() {
    assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
    assert_eq!(percent_encode("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
    assert_eq!(percent_encode("ü"), "%C3%BC");
    assert_eq!(percent_encode(""), "");
}

// --- documentation --------------------------------------------------------------------

#[test]
fn doc_lists_every_setting() {
    let doc = include_str!("doc.md");
    for spec in SPECS {
        for name in spec.env {
            let short = name
                .strip_prefix("PREFECT_SERVER_DATABASE_")
                .map(|rest| format!("S_{rest}"))
                .or_else(|| {
                    name.strip_prefix("PREFECT_API_DATABASE_")
                        .map(|rest| format!("A_{rest}"))
                })
                .unwrap_or_else(|| (*name).to_owned());
            assert!(doc.contains(&format!("`{short}`")), "doc.md lacks {short}");
        }
        for key in spec.toml {
            assert!(doc.contains(&format!("`{key}`")), "doc.md lacks {key}");
        }
    }
    for name in [HOME_VAR, CONFIG_VAR] {
        assert!(doc.contains(&format!("`{name}`")), "doc.md lacks {name}");
    }
}
