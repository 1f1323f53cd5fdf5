//! A PgBouncer in transaction mode in front of the test server, one per test: the pooler most
//! PostgreSQL deployments of orchestration servers sit behind. The test command installs
//! Debian's `pgbouncer`; a test that needs it and cannot find it fails, naming what to install.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{is_root, postgres_server as server, temp_dir, with_postgres_database};

/// A running PgBouncer, stopped when dropped.
pub struct PgBouncer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn pgbouncer_binary() -> PathBuf {
    if let Ok(path) = std::env::var("FLOWDB_TEST_PGBOUNCER") {
        return PathBuf::from(path);
    }
    for candidate in [
        "/usr/sbin/pgbouncer",
        "/usr/bin/pgbouncer",
        "/usr/local/bin/pgbouncer",
    ] {
        if Path::new(candidate).is_file() {
            return PathBuf::from(candidate);
        }
    }
    panic!(
        "pgbouncer is not installed: the test command installs it (`apt-get install pgbouncer`), \
         or set FLOWDB_TEST_PGBOUNCER to its path"
    );
}

impl PgBouncer {
    /// Starts PgBouncer in transaction mode on a free port, with PgBouncer's own defaults
    /// otherwise (no `ignore_startup_parameters`), and two server connections per database so
    /// that concurrent clients share them.
    pub fn start() -> PgBouncer {
        PgBouncer::start_with("")
    }

    /// Starts PgBouncer as [`start`](Self::start) does, with `extra` lines added to its
    /// `[pgbouncer]` section.
    pub fn start_with(extra: &str) -> PgBouncer {
        let (user, host, server_port) = server();
        let dir = temp_dir("pgbouncer");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.join("pgbouncer.ini");
        std::fs::write(dir.join("userlist.txt"), format!("\"{user}\" \"\"\n")).unwrap();
        std::fs::write(
            &config,
            format!(
                "[databases]\n* = host={host} port={server_port}\n\n[pgbouncer]\n\
                 listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
                 auth_type = trust\nauth_file = {}\npool_mode = transaction\n\
                 default_pool_size = 2\nmax_client_conn = 200\n{extra}\n",
                dir.join("userlist.txt").display()
            ),
        )
        .unwrap();
        let mut command = Command::new(pgbouncer_binary());
        // PgBouncer will not run as root; it drops to the server's own user.
        if is_root() {
            let run_as = if Command::new("id")
                .arg("postgres")
                .output()
                .is_ok_and(|o| o.status.success())
            {
                "postgres"
            } else {
                "nobody"
            };
            Command::new("chown")
                .args(["-R", run_as])
                .arg(&dir)
                .status()
                .unwrap();
            command.args(["-u", run_as]);
        }
        let log = std::fs::File::create(dir.join("pgbouncer.log")).unwrap();
        let child = command
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start pgbouncer");
        let mut bouncer = PgBouncer { child, port, dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = bouncer.child.try_wait() {
                panic!("pgbouncer exited ({status}): {}", bouncer.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "pgbouncer did not listen on {port} within 10 s: {}",
                bouncer.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        bouncer
    }

    /// What PgBouncer wrote, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }

    /// `direct` (a URL on the test server) through this PgBouncer; with `cache_off`, Prefect's
    /// statement-cache setting turned off in the URL, as Prefect's users write it.
    pub fn url(&self, direct: &str, cache_off: bool) -> String {
        let (user, _, _) = server();
        let database = direct
            .split('?')
            .next()
            .unwrap()
            .rsplit_once('/')
            .unwrap()
            .1;
        let query = if cache_off {
            "?prepared_statement_cache_size=0"
        } else {
            ""
        };
        format!(
            "postgresql+asyncpg://{user}@127.0.0.1:{}/{database}{query}",
            self.port
        )
    }
}

impl Drop for PgBouncer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `test` with the URL of a new database reached through a PgBouncer of its own, the
/// statement cache off; the database is dropped afterwards.
pub async fn with_database_behind_pgbouncer<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()>,
{
    let bouncer = PgBouncer::start();
    let bouncer = &bouncer;
    with_postgres_database(|direct| async move { test(bouncer.url(&direct, true)).await }).await;
}
