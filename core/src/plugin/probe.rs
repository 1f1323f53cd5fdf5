//! Loading a plugin library first in a process of its own.
//!
//! The dynamic loader trusts what it maps: a single flipped bit in a relocation, a symbol or a
//! hash table sends it writing or reading anywhere, and the process that called `dlopen` dies
//! (a quarter of random single-bit flips in those tables crashed the host). No reading of the
//! file can rule that out short of re-implementing the loader, so the host first has the
//! `flowdb-plugin-probe` program load the library the same way (`dlopen`, abi_stable's checks,
//! the plugin's `describe` and `init`); if that process dies, hangs (20 s, or
//! `FLOWDB_PLUGIN_PROBE_TIMEOUT` seconds) or is killed, the library is refused with what
//! happened, and the host never maps it.
//!
//! The probe is found through `FLOWDB_PLUGIN_PROBE` (a path; `off` turns probing off), else
//! beside the running executable (as `cargo build` and the packages place it). A host without
//! it loads libraries unprobed, as before, after the structure check of `elf.rs`. Outcomes are
//! kept per file (path, device, inode, size, modification and change times) for the life of
//! the process. A probe costs a process start and a `dlopen`: ~10 ms per plugin here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::plugin::loader::LoadFailure;

/// The probe program's name.
pub(crate) const PROBE_PROGRAM: &str = "flowdb-plugin-probe";

/// How long a library may take to load before it counts as hung, unless
/// `FLOWDB_PLUGIN_PROBE_TIMEOUT` gives other whole seconds.
const PROBE_TIMEOUT: Duration = Duration::from_secs(20);

fn probe_timeout() -> Duration {
    std::env::var("FLOWDB_PLUGIN_PROBE_TIMEOUT")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<u64>().ok())
        .filter(|seconds| *seconds > 0)
        .map_or(PROBE_TIMEOUT, Duration::from_secs)
}

/// The probe's exit status when the library refused to load cleanly (the host then loads it
/// itself, to report the refusal as it classifies it).
const REFUSED_CLEANLY: i32 = 2;

/// A file as it was probed: a copy replaced or rewritten in place is another file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileIdentity {
    path: PathBuf,
    device: u64,
    inode: u64,
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
}

fn identity(path: &Path) -> Option<FileIdentity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let metadata = std::fs::metadata(path).ok()?;
        Some(FileIdentity {
            path: path.to_path_buf(),
            device: metadata.dev(),
            inode: metadata.ino(),
            size: metadata.size(),
            modified_ns: i128::from(metadata.mtime()) * 1_000_000_000
                + i128::from(metadata.mtime_nsec()),
            changed_ns: i128::from(metadata.ctime()) * 1_000_000_000
                + i128::from(metadata.ctime_nsec()),
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn outcomes() -> &'static Mutex<HashMap<FileIdentity, Result<(), String>>> {
    static OUTCOMES: OnceLock<Mutex<HashMap<FileIdentity, Result<(), String>>>> = OnceLock::new();
    OUTCOMES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The probe program, if this host has one.
fn probe_program() -> Option<PathBuf> {
    match std::env::var_os("FLOWDB_PLUGIN_PROBE") {
        Some(value) if value == "off" => return None,
        Some(value) if !value.is_empty() => return Some(PathBuf::from(value)),
        _ => {}
    }
    let beside = std::env::current_exe().ok()?.with_file_name(PROBE_PROGRAM);
    beside.is_file().then_some(beside)
}

/// Has the probe program load `library` and refuses the library if that process does not
/// come back on its own.
pub(crate) fn probe(library: &Path) -> Result<(), LoadFailure> {
    let Some(program) = probe_program() else {
        tracing::debug!(library = %library.display(), "no {PROBE_PROGRAM}: loading unprobed");
        return Ok(());
    };
    let key = identity(library);
    if let Some(key) = &key
        && let Some(outcome) = outcomes()
            .lock()
            .ok()
            .and_then(|seen| seen.get(key).cloned())
    {
        return outcome.map_err(LoadFailure::Failed);
    }
    let outcome = run_probe(&program, library);
    if let (Some(key), Ok(mut seen)) = (key, outcomes().lock()) {
        seen.insert(key, outcome.clone());
    }
    outcome.map_err(LoadFailure::Failed)
}

fn run_probe(program: &Path, library: &Path) -> Result<(), String> {
    let started = Instant::now();
    let timeout = probe_timeout();
    let mut child = match Command::new(program)
        .arg(library)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_remove("FLOWDB_PLUGIN_PROBE")
        .spawn()
    {
        Ok(child) => child,
        Err(err) => {
            // A probe that cannot start says nothing about the library.
            tracing::warn!(probe = %program.display(), "cannot start {PROBE_PROGRAM}: {err}; loading unprobed");
            return Ok(());
        }
    };
    // Read on a thread of its own: a probe that writes more than the pipe holds (a panic's
    // backtrace) would otherwise wait on us while we wait on it.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            use std::io::Read as _;
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    });
    // std waits without a timeout; polling keeps a hung library from hanging the host
    // (libraries load in milliseconds, so the poll ends at once in practice).
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the library `{}` did not finish loading within {} s in a probe process (it hangs while loading); it was not loaded",
                    library.display(),
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(err) => {
                tracing::warn!("cannot wait for {PROBE_PROGRAM}: {err}; loading unprobed");
                return Ok(());
            }
        }
    };
    let stderr = stderr
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    tracing::debug!(library = %library.display(), elapsed_ms = started.elapsed().as_millis() as u64, %status, "probed");
    if status.success() || status.code() == Some(REFUSED_CLEANLY) {
        return Ok(());
    }
    let how = describe_exit(&status);
    let said = stderr.lines().last().unwrap_or("").trim();
    Err(format!(
        "loading the library `{}` {how} in a probe process{}: the library is damaged or not built for this system; reinstall or rebuild the plugin",
        library.display(),
        if said.is_empty() {
            String::new()
        } else {
            format!(" (it said: {said})")
        }
    ))
}

fn describe_exit(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => " (SIGILL)",
                6 => " (SIGABRT)",
                7 => " (SIGBUS)",
                8 => " (SIGFPE)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            return format!("crashed with signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("ended the process with status {code}"),
        None => "ended the process abnormally".into(),
    }
}
