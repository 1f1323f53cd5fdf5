//! Fuzzing of everything that parses outside input: connection URLs (the host's redaction and
//! scheme, both plugins' parsers), settings values, the TOML configuration (settings and plugin
//! pins), plugin manifests, SQL template overrides and component arguments.
//!
//! Coverage-guided fuzzing (cargo-fuzz) needs a nightly toolchain this project's machines do
//! not have, so this is a mutation fuzzer on proptest's generator: each input is a seed from
//! the committed corpus (`tests/fixtures/fuzz/<target>/`) put through random edits — bytes
//! flipped, inserted, deleted, ranges duplicated, seeds spliced, cut short, and tokens that
//! parsers treat specially spliced in. A target passes when no input panics and none takes
//! longer than the hang limit (5 s); errors are the expected outcome for most inputs.
//!
//! The test command runs each target for `FLOWDB_FUZZ_CASES` inputs (default 3,000);
//! `FLOWDB_FUZZ_SECONDS=60` runs each for a minute instead (the README has the command). A
//! failing input is written to `target/fuzz-failures/` and named in the failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{registry, temp_dir};
use flowdb::plugin::{Manifest, PluginPins};
use flowdb::queries::QueryComponents;
use flowdb::queries::json_args::arguments_from_json;
use flowdb::settings::Settings;
use flowdb::{DatabaseConfig, DbInterface};
use flowdb_plugin_sdk::abi::ConnectOptions;
use proptest::prelude::*;
use proptest::strategy::ValueTree as _;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One random edit of an input.
#[derive(Debug, Clone)]
enum Edit {
    FlipBit(usize, u8),
    Insert(usize, u8),
    InsertToken(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Splice(usize, usize),
    Truncate(usize),
}

/// What parsers of URLs, TOML, JSON and templates treat specially.
const TOKENS: &[&str] = &[
    "://",
    "@",
    ":",
    "/",
    "?",
    "&",
    "=",
    "#",
    "%",
    "%00",
    "%ff",
    "%25",
    "[",
    "]",
    "{",
    "}",
    "{{",
    "}}",
    "{%",
    "%}",
    "\"",
    "'",
    "\\",
    "\n",
    "\0",
    "${PREFECT_SERVER_DATABASE_PASSWORD}",
    "+",
    "..",
    "~",
    "-1",
    "1e999",
    "NaN",
    "9999999999999999999999",
    "true",
    "null",
    "[[",
    "]]",
    "\u{feff}",
    "é",
    "\u{202e}",
    "sqlite",
    "postgresql",
    "=\"\"",
    "[server.database]",
    "[flowdb.plugins.sha256]",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0..8_u8).prop_map(|(at, bit)| Edit::FlipBit(at, bit)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Insert(at, byte)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Edit::InsertToken(at, token)),
        (any::<usize>(), 0..64_usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), 0..64_usize).prop_map(|(at, len)| Edit::Duplicate(at, len)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, seed)| Edit::Splice(at, seed)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(seeds: &[Vec<u8>], seed: usize, edits: &[Edit]) -> Vec<u8> {
    let mut input = seeds[seed % seeds.len()].clone();
    for edit in edits {
        let at = |position: usize, input: &Vec<u8>| position % (input.len() + 1);
        match *edit {
            Edit::FlipBit(position, bit) if !input.is_empty() => {
                let index = position % input.len();
                input[index] ^= 1 << bit;
            }
            Edit::FlipBit(..) => {}
            Edit::Insert(position, byte) => input.insert(at(position, &input), byte),
            Edit::InsertToken(position, token) => {
                let index = at(position, &input);
                input.splice(index..index, TOKENS[token].bytes());
            }
            Edit::Delete(position, len) => {
                let start = at(position, &input);
                let end = (start + len).min(input.len());
                input.drain(start..end);
            }
            Edit::Duplicate(position, len) => {
                let start = at(position, &input);
                let end = (start + len).min(input.len());
                let copy = input[start..end].to_vec();
                input.splice(end..end, copy);
            }
            Edit::Splice(position, other) => {
                let other = &seeds[other % seeds.len()];
                let from = position % (other.len() + 1);
                let index = at(position, &input);
                input.truncate(index);
                input.extend_from_slice(&other[from..]);
            }
            Edit::Truncate(position) => {
                let index = at(position, &input);
                input.truncate(index);
            }
        }
    }
    input
}

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|file| std::fs::read(file).unwrap())
        .collect();
    assert!(!seeds.is_empty(), "no corpus in {}", dir.display());
    seeds
}

const HANG_LIMIT: Duration = Duration::from_secs(5);

/// Runs `target` on mutated corpus inputs: for `FLOWDB_FUZZ_SECONDS` if set, else for
/// `FLOWDB_FUZZ_CASES` inputs (default 3,000). Panics name the saved failing input.
fn fuzz(target: &str, mut run: impl FnMut(&[u8])) {
    let seeds = corpus(target);
    let seconds = std::env::var("FLOWDB_FUZZ_SECONDS")
        .ok()
        .and_then(|value| value.parse::<u64>().ok());
    let cases = std::env::var("FLOWDB_FUZZ_CASES")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(3000);
    let seed = std::env::var("FLOWDB_FUZZ_SEED")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(0x0f10_7db0);
    let mut seed_bytes = [0_u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    seed_bytes[8..16].copy_from_slice(&(target.len() as u64).to_le_bytes());
    for (slot, byte) in seed_bytes[16..].iter_mut().zip(target.bytes()) {
        *slot = byte;
    }
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = (any::<usize>(), prop::collection::vec(edit(), 0..8));

    // A watchdog: an input that runs past the hang limit fails the whole run, named.
    let current: Arc<Mutex<(Instant, Vec<u8>)>> =
        Arc::new(Mutex::new((Instant::now(), Vec::new())));
    let done = Arc::new(AtomicU64::new(0));
    let watchdog = {
        let current = Arc::clone(&current);
        let done = Arc::clone(&done);
        let target = target.to_owned();
        std::thread::spawn(move || {
            while done.load(Ordering::Acquire) == 0 {
                std::thread::sleep(Duration::from_millis(200));
                let (started, input) = &*current.lock().unwrap();
                if started.elapsed() > HANG_LIMIT {
                    let path = save_failure(&target, "hang", input);
                    eprintln!(
                        "fuzz target `{target}`: an input ran for over {HANG_LIMIT:?}; saved as {}",
                        path.display()
                    );
                    std::process::abort();
                }
            }
        })
    };

    let started = Instant::now();
    let mut executions = 0_u64;
    loop {
        match seconds {
            Some(limit) if started.elapsed() >= Duration::from_secs(limit) => break,
            None if executions >= cases => break,
            _ => {}
        }
        let (seed, edits) = strategy.new_tree(&mut runner).unwrap().current();
        let input = if executions < seeds.len() as u64 {
            seeds[executions as usize].clone() // each seed as it is, first
        } else {
            apply(&seeds, seed, &edits)
        };
        *current.lock().unwrap() = (Instant::now(), input.clone());
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| run(&input))) {
            done.store(1, Ordering::Release);
            let path = save_failure(target, "panic", &input);
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!(
                "fuzz target `{target}` panicked on {} (input saved as {}): {message}",
                String::from_utf8_lossy(&input).escape_debug(),
                path.display()
            );
        }
        executions += 1;
    }
    done.store(1, Ordering::Release);
    watchdog.join().unwrap();
    eprintln!(
        "fuzz target `{target}`: {executions} inputs in {:.1} s, no panic, no hang",
        started.elapsed().as_secs_f64()
    );
}

fn save_failure(target: &str, what: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for byte in input {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let path = dir.join(format!("{target}-{what}-{hash:016x}"));
    let _ = std::fs::write(&path, input);
    path
}

fn connect_options(url: &str) -> ConnectOptions {
    DatabaseConfig::new(url).connect_options()
}

#[test]
fn fuzz_connection_urls() {
    fuzz("urls", |input| {
        let url = String::from_utf8_lossy(input);
        let redacted = flowdb::url::redact_url(&url);
        assert_eq!(
            flowdb::url::redact_url(&redacted),
            redacted,
            "redaction is stable"
        );
        let _ = DbInterface::with_registry(DatabaseConfig::new(url.as_ref()), registry());
        let _ = flowdb_plugin_postgres::pg_connect_options(&connect_options(&url));
        let _ = flowdb_plugin_sqlite::parse_sqlite_url(&url);
    });
}

/// The settings the environment may set, to give random values to.
const SETTING_NAMES: &[&str] = &[
    "PREFECT_SERVER_DATABASE_CONNECTION_URL",
    "PREFECT_API_DATABASE_CONNECTION_URL",
    "PREFECT_SERVER_DATABASE_DRIVER",
    "PREFECT_SERVER_DATABASE_HOST",
    "PREFECT_SERVER_DATABASE_PORT",
    "PREFECT_SERVER_DATABASE_USER",
    "PREFECT_SERVER_DATABASE_PASSWORD",
    "PREFECT_SERVER_DATABASE_NAME",
    "PREFECT_SERVER_DATABASE_ECHO",
    "PREFECT_SERVER_DATABASE_MIGRATE_ON_START",
    "PREFECT_SERVER_DATABASE_TIMEOUT",
    "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED",
    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE",
    "FLOWDB_HOME",
    "HOME",
];

#[test]
fn fuzz_settings_values() {
    fuzz("settings", |input| {
        // Lines of NAME=value; a line without a known name gives its text to the next name.
        let text = String::from_utf8_lossy(input);
        let mut env = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let (name, value) = match line.split_once('=') {
                Some((name, value)) if SETTING_NAMES.contains(&name) => (name, value),
                _ => (SETTING_NAMES[index % SETTING_NAMES.len()], line),
            };
            env.insert(name.to_owned(), value.to_owned());
        }
        if let Ok(settings) = Settings::from_sources(&env, None) {
            let _ = settings.connection_url();
            let _ = DatabaseConfig::from_settings(&settings);
            let _ = format!("{settings:?}");
        }
    });
}

#[test]
fn fuzz_the_toml_configuration() {
    let dir = temp_dir("fuzz-toml");
    let file = dir.join("flowdb.toml");
    fuzz("toml", |input| {
        std::fs::write(&file, input).unwrap();
        if let Ok(settings) = Settings::from_sources(&HashMap::new(), Some(&file)) {
            let _ = settings.connection_url();
            let _ = DatabaseConfig::from_settings(&settings);
        }
        let _ = PluginPins::from_config_file(&file);
    });
}

#[test]
fn fuzz_plugin_manifests() {
    let dir = temp_dir("fuzz-manifests");
    let file = dir.join("fuzzed.flowdb-plugin.toml");
    fuzz("manifests", |input| {
        let text = String::from_utf8_lossy(input);
        if let Ok(manifest) = Manifest::parse(&text) {
            let _ = manifest.library_path(&file);
        }
        std::fs::write(&file, input).unwrap();
        let _ = Manifest::read(&file);
    });
}

/// The template files a plugin takes overrides for.
const TEMPLATES: &[&str] = &[
    "get-runs-from-worker-queues",
    "get-runs-from-work-queues",
    "flow-run-graph-v2",
    "make-timestamp-intervals",
];

#[test]
fn fuzz_sql_template_overrides() {
    let urls = [
        format!(
            "sqlite:///{}",
            temp_dir("fuzz-templates").join("t.db").display()
        ),
        "postgresql://postgres@127.0.0.1:1/never_connected".to_owned(),
    ];
    let mut count = 0_usize;
    fuzz("templates", |input| {
        count += 1;
        let dir = temp_dir("fuzz-template");
        let name = TEMPLATES[count % TEMPLATES.len()];
        std::fs::write(dir.join(format!("{name}.sql.jinja")), input).unwrap();
        for url in &urls {
            let mut config = DatabaseConfig::new(url);
            config.sql_template_dir = Some(dir.clone());
            let scheme = url.split(':').next().unwrap();
            let plugin = registry().resolve(scheme).unwrap();
            // Refused with an error naming the file, or accepted and rendered.
            if let Ok(queries) = QueryComponents::of(&plugin, &config) {
                let names: Vec<String> = queries
                    .components()
                    .map(|info| info.name.to_string())
                    .collect();
                for component in names {
                    let _ = queries.render::<String>(&component, Vec::new());
                }
            }
            assert!(!plugin.health().poisoned, "the {scheme} plugin panicked");
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}

#[test]
fn fuzz_component_arguments() {
    let sqlite = format!(
        "sqlite:///{}",
        temp_dir("fuzz-arguments").join("a.db").display()
    );
    let urls = [
        sqlite.as_str(),
        "postgresql://postgres@127.0.0.1:1/never_connected",
    ];
    let components: Vec<QueryComponents> = urls
        .iter()
        .map(|url| {
            let plugin = registry().resolve(url.split(':').next().unwrap()).unwrap();
            QueryComponents::of(&plugin, &DatabaseConfig::new(*url)).unwrap()
        })
        .collect();
    fuzz("arguments", |input| {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(input) else {
            return;
        };
        for queries in &components {
            for info in queries.components() {
                if let Ok(arguments) = arguments_from_json(info, &json) {
                    let _ = queries.render(info.name.as_str(), arguments);
                }
            }
        }
    });
    for url in urls {
        let plugin = registry().resolve(url.split(':').next().unwrap()).unwrap();
        assert!(!plugin.health().poisoned, "{url}");
    }
}
