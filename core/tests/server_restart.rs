//! PostgreSQL restarted — stopped as by a crash (`pg_ctl -m immediate`), then started again —
//! in the middle of a hot-path workload: the calls in flight get a connection error, the pool
//! recovers by itself, and every write acknowledged before or after is there. The server is a
//! throwaway cluster of the test's own (initdb from the installed binaries), so no other test
//! loses its server.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{interface, temp_dir};
use flowdb::ErrorKind;
use flowdb::models::{Flow, FlowRun, WorkPool, WorkQueue};
use uuid::Uuid;

/// A PostgreSQL cluster in a temporary directory, stopped and removed when dropped.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    user: Option<&'static str>,
}

fn server_binaries() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| {
            dirs.filter_map(Result::ok)
                .map(|dir| dir.path().join("bin"))
                .filter(|bin| bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found.pop().expect(
        "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: the test command installs them (scripts/ensure-postgres.sh)",
    )
}

impl Cluster {
    fn start() -> Cluster {
        let bin = server_binaries();
        let dir = temp_dir("cluster");
        let data = dir.join("data");
        // PostgreSQL will not run as root: the cluster belongs to the server's own user.
        let user = common::is_root().then_some("postgres");
        if let Some(user) = user {
            assert!(
                Command::new("chown")
                    .args(["-R", user])
                    .arg(&dir)
                    .status()
                    .unwrap()
                    .success()
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Cluster {
            bin,
            data,
            port,
            user,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                cluster.data.to_str().unwrap(),
                "--auth=trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        cluster.pg_ctl(&["start"]);
        cluster
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = match self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let output = command.args(args).current_dir("/").output().unwrap();
        assert!(
            output.status.success(),
            "{} {args:?}: {}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.data.display()
        );
        let log = self.data.join("server.log");
        let mut args = vec!["-D", self.data.to_str().unwrap(), "-w", "-t", "30"];
        if action == ["start"] {
            args.extend(["-o", &options, "-l", log.to_str().unwrap()]);
        }
        args.extend_from_slice(action);
        self.run("pg_ctl", &args);
    }

    fn url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data_dir(&self) -> &Path {
        &self.data
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(|| self.pg_ctl(&["-m", "immediate", "stop"]));
        if let Some(dir) = self.data_dir().parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restarted_mid_workload_costs_only_the_calls_in_flight() {
    let cluster = Arc::new(Cluster::start());
    let db = interface(&cluster.url());
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    let flow = Flow::new("restart");
    session.insert(&flow).await.unwrap();
    let mut pool = WorkPool::new("restart-pool");
    session.insert(&pool).await.unwrap();
    let queue = WorkQueue::new(pool.id, "default");
    session.insert(&queue).await.unwrap();
    pool.default_queue_id = Some(queue.id);
    session.update(&pool).await.unwrap();

    const WRITERS: usize = 4;
    let restarted = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let db = Arc::clone(&db);
        let queue = queue.clone();
        let restarted = Arc::clone(&restarted);
        writers.push(tokio::spawn(async move {
            let mut acked: Vec<Uuid> = Vec::new();
            let mut errors: Vec<(Option<ErrorKind>, String)> = Vec::new();
            let mut after_restart = 0;
            let started = Instant::now();
            // Write until 50 runs were acknowledged after the restart.
            while after_restart < 50 {
                assert!(
                    started.elapsed() < Duration::from_secs(120),
                    "writer {writer}: the pool did not recover: {errors:?}"
                );
                let run = FlowRun::new(flow.id, format!("w{writer}-{}", acked.len()), Utc::now())
                    .in_queue(&queue);
                match db.create_flow_runs(vec![run], Utc::now()).await {
                    Ok(ids) => {
                        acked.extend(ids);
                        if restarted.load(Ordering::Acquire) {
                            after_restart += 1;
                        }
                    }
                    Err(err) => {
                        errors.push((err.kind(), err.to_string()));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            }
            (acked, errors)
        }));
    }

    // Let the writers get going, then crash and restart the server under them.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let restarting = Arc::clone(&cluster);
    let flag = Arc::clone(&restarted);
    tokio::task::spawn_blocking(move || {
        restarting.pg_ctl(&["-m", "immediate", "stop"]);
        restarting.pg_ctl(&["start"]);
        flag.store(true, Ordering::Release);
    })
    .await
    .unwrap();

    let mut acked = Vec::new();
    let mut errors = Vec::new();
    for writer in writers {
        let (ids, errs) = writer.await.unwrap();
        acked.extend(ids);
        errors.extend(errs);
    }
    eprintln!(
        "restart: {} runs acknowledged, {} calls failed while the server was down",
        acked.len(),
        errors.len()
    );
    for (kind, message) in &errors {
        assert!(
            matches!(kind, Some(ErrorKind::CONNECTION) | Some(ErrorKind::TIMEOUT)),
            "a call in flight failed with something other than a connection error: {kind:?} {message}"
        );
    }

    // Every acknowledged run is there, through the same interface: the pool recovered.
    let session = db.session().await.unwrap();
    let rows = session
        .fetch_all("select id from flow_run", vec![])
        .await
        .unwrap();
    let present: std::collections::HashSet<Uuid> = (0..rows.len())
        .map(|i| rows.row(i).unwrap().get::<Uuid>("id").unwrap())
        .collect();
    let missing: Vec<&Uuid> = acked.iter().filter(|id| !present.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged runs lost: {missing:?}",
        missing.len()
    );
    db.close().await;
}
