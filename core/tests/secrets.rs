//! A password never shows. Every output path an operator sees — errors, logs at trace level
//! with statement echo on, `plugins list`/`info` with and without `--verbose`, the `database`
//! and `query` commands, their `--json` documents — is driven with hostile passwords given each
//! way Prefect takes one, and the output is searched for any piece of them.
//!
//! The test server trusts local connections, so a connection with any password succeeds and
//! the success paths are exercised as well as the failures.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{temp_dir, with_postgres_database};

/// Passwords holding what ends a URL's authority early, what a URL parser decodes, what a
/// shell or a log format may treat specially. Each is built from the markers `Hq4v` and
/// `Wz7k` so that any fragment of one in an output is found.
const PASSWORDS: &[&str] = &[
    "Hq4vWz7k",
    "Hq4v/Wz7k",
    "Hq4v@Wz7k",
    "Hq4v:Wz7k",
    "Hq4v%Wz7k",
    "Hq4v%41Wz7k",
    "Hq4v#Wz7k",
    "Hq4v?Wz7k",
    "Hq4v Wz7k",
    "Hq4v&sslmode=Wz7k",
    "Hq4vä€Wz7k",
    "Hq4v/@:%#? &=ä'\"Wz7k",
];

/// The password used on every command; the others go through the commands that connect.
const EVERYTHING: &str = "Hq4v/@:%#? &=ä'\"Wz7k";

/// The ways Prefect takes a password.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// `--url` with the password unencoded, as SQLAlchemy takes it (only `@` and `%`
    /// must be encoded there).
    RawUrlFlag,
    /// `PREFECT_API_DATABASE_CONNECTION_URL` with the password %-encoded.
    EncodedUrlSetting,
    /// `PREFECT_SERVER_DATABASE_PASSWORD` with the URL composed from host, port, user, name.
    ComposedFromSettings,
    /// A URL holding `${PREFECT_SERVER_DATABASE_PASSWORD}`, replaced verbatim.
    Placeholder,
    /// The TOML config file's `password`.
    ConfigFile,
    /// libpq's `?password=` query parameter.
    QueryParameter,
}

/// The server the tests use, as parts.
struct Server {
    user: String,
    host: String,
    port: String,
}

fn server() -> Server {
    let (user, host, port) = common::postgres_server();
    Server {
        user,
        host,
        port: port.to_string(),
    }
}

/// `password` %-encoded: everything but unreserved characters.
fn encoded(password: &str) -> String {
    password
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// `password` as SQLAlchemy takes it in a URL: only `@` (which would end the password) and
/// `%` (which would start an escape) encoded.
fn raw(password: &str) -> String {
    password.replace('%', "%25").replace('@', "%40")
}

/// Pieces of `password` that must not appear anywhere, in any form: its runs of
/// alphanumerics that hold a marker (so a password cut at a special character is still
/// found), the whole password and its encoded form.
fn pieces(password: &str) -> Vec<String> {
    let mut pieces: Vec<String> = password
        .split(|c: char| !c.is_alphanumeric())
        .filter(|piece| piece.contains("Hq4v") || piece.contains("Wz7k"))
        .map(str::to_owned)
        .collect();
    pieces.push(password.to_owned());
    pieces.push(encoded(password));
    pieces
}

/// One configured connection: environment and the `--url` flag, if any.
struct Connection {
    env: Vec<(String, String)>,
    url_flag: Option<String>,
}

/// How `password` reaches the database `database` of `server` (port and host given so that
/// failures can be provoked) in `way`. `home` holds the config file.
fn connection(
    way: Way,
    password: &str,
    server: &Server,
    host: &str,
    port: &str,
    database: &str,
    home: &Path,
) -> Connection {
    let user = &server.user;
    let url = |userinfo: String, query: &str| {
        format!("postgresql+asyncpg://{userinfo}@{host}:{port}/{database}{query}")
    };
    let (env, url_flag) = match way {
        Way::RawUrlFlag => (vec![], Some(url(format!("{user}:{}", raw(password)), ""))),
        Way::EncodedUrlSetting => (
            vec![(
                "PREFECT_API_DATABASE_CONNECTION_URL".to_owned(),
                url(format!("{user}:{}", encoded(password)), ""),
            )],
            None,
        ),
        Way::ComposedFromSettings => (
            [
                ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
                ("PREFECT_SERVER_DATABASE_HOST", host),
                ("PREFECT_SERVER_DATABASE_PORT", port),
                ("PREFECT_SERVER_DATABASE_USER", user.as_str()),
                ("PREFECT_SERVER_DATABASE_NAME", database),
                ("PREFECT_SERVER_DATABASE_PASSWORD", password),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect(),
            None,
        ),
        Way::Placeholder => (
            vec![
                (
                    "PREFECT_SERVER_DATABASE_CONNECTION_URL".to_owned(),
                    url(format!("{user}:${{PREFECT_SERVER_DATABASE_PASSWORD}}"), ""),
                ),
                // Prefect replaces the placeholder verbatim, so the password is given encoded.
                (
                    "PREFECT_SERVER_DATABASE_PASSWORD".to_owned(),
                    encoded(password),
                ),
            ],
            None,
        ),
        Way::ConfigFile => {
            let file = home.join("flowdb.toml");
            let quoted = |value: &str| toml_string(value);
            std::fs::write(
                &file,
                format!(
                    "[server.database]\ndriver = \"postgresql+asyncpg\"\nhost = {}\nport = {port}\n\
                     user = {}\nname = {}\npassword = {}\n",
                    quoted(host),
                    quoted(user),
                    quoted(database),
                    quoted(password),
                ),
            )
            .unwrap();
            (
                vec![("FLOWDB_CONFIG".to_owned(), file.display().to_string())],
                None,
            )
        }
        Way::QueryParameter => (
            vec![],
            Some(url(
                user.clone(),
                &format!("?sslmode=disable&password={}", encoded(password)),
            )),
        ),
    };
    Connection { env, url_flag }
}

/// A TOML basic string holding `value`.
fn toml_string(value: &str) -> String {
    let mut quoted = String::from('"');
    for c in value.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Counts of hostile runs per output path, printed for the note.
#[derive(Default)]
struct Tally(BTreeMap<String, usize>);

impl Drop for Tally {
    fn drop(&mut self) {
        for (path, runs) in &self.0 {
            eprintln!("{runs:4} hostile runs: {path}");
        }
    }
}

/// Runs `flowdb args…` (with `--url` appended where the command takes one) with logs at
/// trace level and statement echo on, and asserts that no piece of `password` is in its
/// stdout or stderr. Returns whether it succeeded.
fn run_clean(
    tally: &mut Tally,
    home: &Path,
    connection: &Connection,
    password: &str,
    args: &[&str],
    takes_url: bool,
) -> bool {
    let mut command = common::flowdb_command(home);
    command
        .env("FLOWDB_LOG", "trace")
        .env("PREFECT_SERVER_DATABASE_ECHO", "true")
        .env("PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", "2")
        .env("NO_COLOR", "1")
        .envs(connection.env.iter().map(|(k, v)| (k, v)))
        .args(args);
    if let (true, Some(url)) = (takes_url, &connection.url_flag) {
        command.args(["--url", url]);
    }
    let output = command.output().unwrap();
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    for piece in pieces(password) {
        assert!(
            !shown.contains(&piece),
            "`flowdb {}` shows `{piece}` of the password {password:?}:\n{shown}",
            args.join(" ")
        );
    }
    *tally.0.entry(args.join(" ")).or_default() += 1;
    output.status.success()
}

/// Every command, for `EVERYTHING` given `way`; the commands that connect for every other
/// password; then the failures (refused port, unknown database, malformed port, unknown host).
fn drive(way: Way) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(with_postgres_database(|admin_url| async move {
        let database = admin_url
            .rsplit_once('/')
            .unwrap()
            .1
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let server = server();
        let home = temp_dir("secrets");
        let mut tally = Tally::default();
        let at = |password: &str, host: &str, port: &str, database: &str| {
            connection(way, password, &server, host, port, database, &home)
        };

        let everything = at(EVERYTHING, &server.host, &server.port, &database);
        let succeeding: &[&[&str]] = &[
            &["database", "ping"],
            &["database", "ping", "--json", "--verbose"],
            &["database", "upgrade"],
            &["database", "current"],
            &["database", "current", "--json"],
            &["database", "check", "--verbose"],
            &["database", "check", "--json"],
            &["query", "list", "--json"],
            &[
                "query",
                "run",
                "get_scheduled_flow_runs_from_work_pool",
                "--args",
                r#"{"limit": 5}"#,
                "--json",
            ],
            &["database", "downgrade", "--revision", "base", "--yes"],
        ];
        for args in succeeding {
            assert!(
                run_clean(&mut tally, &home, &everything, EVERYTHING, args, true),
                "`flowdb {}` failed for {way:?}",
                args.join(" ")
            );
        }
        // These take no URL but read the settings, and print what they know.
        for args in [
            &["plugins", "list"][..],
            &["plugins", "list", "--verbose"],
            &["plugins", "list", "--json"],
            &["plugins", "info", "postgresql"],
            &["plugins", "info", "postgresql", "--verbose", "--json"],
            &["database", "history"],
        ] {
            run_clean(&mut tally, &home, &everything, EVERYTHING, args, false);
        }

        for password in PASSWORDS {
            let good = at(password, &server.host, &server.port, &database);
            for args in [
                &["database", "ping"][..],
                &["database", "current", "--json"],
            ] {
                assert!(
                    run_clean(&mut tally, &home, &good, password, args, true),
                    "`flowdb {}` failed for {password:?} given {way:?}",
                    args.join(" ")
                );
            }
            let failures = [
                at(password, &server.host, "1", &database),
                at(
                    password,
                    &server.host,
                    &server.port,
                    "flowdb_no_such_database",
                ),
                at(password, &server.host, "notaport", &database),
                at(password, "no-such-host.invalid", &server.port, &database),
            ];
            for failing in &failures {
                for args in [
                    &["database", "ping"][..],
                    &["database", "upgrade", "--json"],
                ] {
                    let succeeded = run_clean(&mut tally, &home, failing, password, args, true);
                    // A malformed port composed from settings is refused before connecting;
                    // every other failure must fail too.
                    assert!(!succeeded, "`flowdb {}` succeeded", args.join(" "));
                }
            }
        }
    }));
}

#[test]
fn no_password_shows_given_unencoded_in_the_url_flag() {
    drive(Way::RawUrlFlag);
}

#[test]
fn no_password_shows_given_encoded_in_the_url_setting() {
    drive(Way::EncodedUrlSetting);
}

#[test]
fn no_password_shows_given_as_the_password_setting() {
    drive(Way::ComposedFromSettings);
}

#[test]
fn no_password_shows_given_through_the_url_placeholder() {
    drive(Way::Placeholder);
}

#[test]
fn no_password_shows_given_in_the_config_file() {
    drive(Way::ConfigFile);
}

#[test]
fn no_password_shows_given_as_a_query_parameter() {
    drive(Way::QueryParameter);
}

#[test]
fn the_tls_key_path_never_shows() {
    let home = temp_dir("secrets-tls");
    let key_dir = home.join("Hq4v-keys");
    std::fs::create_dir(&key_dir).unwrap();
    let certificate = key_dir.join("client.crt");
    std::fs::write(&certificate, "not a certificate").unwrap();
    let mut tally = Tally::default();
    let server = server();
    for key in [
        key_dir.join("Wz7k-missing.key"),
        // A key that exists but is not a key: the failure comes from the TLS library.
        certificate.clone(),
    ] {
        let connection = Connection {
            env: [
                (
                    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED",
                    "true",
                ),
                (
                    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE",
                    certificate.to_str().unwrap(),
                ),
                (
                    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE",
                    key.to_str().unwrap(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            url_flag: Some(format!(
                "postgresql+asyncpg://{}@{}:{}/postgres",
                server.user, server.host, server.port
            )),
        };
        let key_text = key.to_str().unwrap();
        for args in [&["database", "ping"][..], &["database", "ping", "--json"]] {
            assert!(!run_clean(
                &mut tally,
                &home,
                &connection,
                key_text,
                args,
                true
            ));
        }
    }
}
