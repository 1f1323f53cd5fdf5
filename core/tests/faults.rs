//! Faults against real servers and files, each repeatable: a backend killed mid-transaction, a
//! server that never answers, a storm of host-side timeouts, a SQLite writer killed with
//! SIGKILL mid-burst, a full disk. Each costs an error on the calls in flight and nothing else:
//! no abort, no leaked connection, no lost acknowledged write, no corrupt file.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead as _, BufReader};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{interface, postgres_admin_url, registry, temp_dir, with_postgres_database};
use flowdb::value::Value;
use flowdb::{DatabaseConfig, DbInterface, ErrorKind};
use futures::StreamExt as _;
use proptest::prelude::Rng as _;
use proptest::test_runner::{RngAlgorithm, TestRng};

/// A deterministic generator, so that a failing storm or kill point replays exactly.
fn random(seed: u64) -> TestRng {
    let mut bytes = [0_u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// Fails unless SQLite's own check finds the database file intact.
async fn assert_intact(session: &flowdb::Session) {
    let check = session
        .fetch_all("pragma integrity_check", vec![])
        .await
        .unwrap();
    assert_eq!(check.row(0).unwrap().get::<String>(0_usize).unwrap(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_terminated_mid_transaction_costs_that_transaction_only() {
    with_postgres_database(|url| async move {
        let db = interface(&url);
        let session = db.session().await.unwrap();
        session
            .execute("create table kept (x integer primary key)", vec![])
            .await
            .unwrap();
        let mut transaction = session.begin_transaction(false).await.unwrap();
        transaction
            .execute("insert into kept values (1)", vec![])
            .await
            .unwrap();
        let rows = transaction
            .fetch_all("select pg_backend_pid() as pid", vec![])
            .await
            .unwrap();
        let pid: i32 = rows.row(0).unwrap().get("pid").unwrap();
        let admin = interface(&postgres_admin_url());
        admin
            .session()
            .await
            .unwrap()
            .fetch_all("select pg_terminate_backend($1)", vec![Value::Int32(pid)])
            .await
            .unwrap();

        let err = transaction
            .execute("insert into kept values (2)", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::CONNECTION), "{err}");
        let _ = transaction.rollback().await;

        // The pool replaces the dead connection; the next calls work, and the transaction's
        // write is gone with it.
        for _ in 0..3 {
            let rows = session
                .fetch_all("select count(*) as n from kept", vec![])
                .await
                .unwrap();
            assert_eq!(rows.row(0).unwrap().get::<i64>("n").unwrap(), 0);
        }
        session
            .execute("insert into kept values (3)", vec![])
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_idle_connection_terminated_costs_at_most_one_call_each() {
    with_postgres_database(|url| async move {
        let mut config = DatabaseConfig::new(&url);
        config.pool_size = 3;
        config.max_overflow = 0;
        let db = DbInterface::with_registry(config, registry()).unwrap();
        let session = db.session().await.unwrap();
        // Open all three connections at once, then let them sit idle.
        let warm: Vec<_> = (0..3)
            .map(|_| session.fetch_all("select pg_sleep(0.05)::text", vec![]))
            .collect();
        for outcome in futures::future::join_all(warm).await {
            outcome.unwrap();
        }
        let database = url.rsplit_once('/').unwrap().1.to_owned();
        let admin = interface(&postgres_admin_url());
        let killed = admin
            .session()
            .await
            .unwrap()
            .fetch_all(
                "select count(pg_terminate_backend(pid)) as n from pg_stat_activity \
                 where datname = $1 and pid <> pg_backend_pid()",
                vec![Value::Text(database.into())],
            )
            .await
            .unwrap();
        assert_eq!(killed.row(0).unwrap().get::<i64>("n").unwrap(), 3);
        let mut failures = 0;
        for _ in 0..10 {
            match session.fetch_all("select 1 as one", vec![]).await {
                Ok(_) => {}
                Err(err) => {
                    assert_eq!(err.kind(), Some(ErrorKind::CONNECTION), "{err}");
                    failures += 1;
                }
            }
        }
        assert!(
            failures <= 3,
            "{failures} calls failed for 3 dead connections"
        );
        session.fetch_all("select 1 as one", vec![]).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_at_the_connect_timeout() {
    // The kernel completes the TCP handshake for a listening socket nobody accepts from: the
    // connection opens and the server's greeting never comes, as with a hung server.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut config = DatabaseConfig::new(format!("postgresql://postgres@127.0.0.1:{port}/x"));
    config.connection_timeout = Some(Duration::from_millis(800));
    let db = DbInterface::with_registry(config, registry()).unwrap();
    let started = Instant::now();
    let err = db.database().await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.kind(), Some(ErrorKind::TIMEOUT), "{err}");
    assert!(
        err.to_string()
            .contains("within 0.8 s (connection_timeout)"),
        "{err}"
    );
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    drop(silent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_over_the_statement_timeout_is_cancelled_by_the_server() {
    with_postgres_database(|url| async move {
        let mut config = DatabaseConfig::new(&url);
        config.timeout = Some(Duration::from_millis(200));
        let db = DbInterface::with_registry(config, registry()).unwrap();
        let session = db.session().await.unwrap();
        let started = Instant::now();
        let err = session
            .execute("select pg_sleep(10)", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::TIMEOUT), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        session.execute("select 1", vec![]).await.unwrap();
    })
    .await;
}

/// 1,000 calls — autocommit reads, transactions, writes — each cut off by a host-side timeout
/// drawn at random, from nothing to about a call's length, 16 in flight. Afterwards the pool is back to
/// idle connections no larger than its size, the server holds no transaction open for us, and
/// the next calls work.
async fn timeout_storm(db: Arc<DbInterface>, sleep_sql: &str, seed: u64) -> (usize, usize) {
    let session = db.session().await.unwrap();
    session
        .execute(
            "create table storm (id integer primary key, note text)",
            vec![],
        )
        .await
        .unwrap();
    let mut random = random(seed);
    let calls = (0..1000_i64).map(|i| {
        let session = session.clone();
        let cut_after = Duration::from_micros(random.next_u64() % 30_000);
        let kind = random.next_u64() % 3;
        let sleep_sql = sleep_sql.to_owned();
        async move {
            let call = async {
                match kind {
                    0 => session.fetch_all(&sleep_sql, vec![]).await.map(drop),
                    1 => {
                        let mut transaction = session.begin_transaction(true).await?;
                        transaction
                            .execute(
                                "insert into storm (id, note) values ($1, 'transaction')",
                                vec![Value::Int64(i)],
                            )
                            .await?;
                        transaction.fetch_all(&sleep_sql, vec![]).await?;
                        transaction.commit().await
                    }
                    _ => session
                        .execute(
                            "insert into storm (id, note) values ($1, 'autocommit')",
                            vec![Value::Int64(i)],
                        )
                        .await
                        .map(drop),
                }
            };
            match tokio::time::timeout(cut_after, call).await {
                Ok(Ok(())) => (1, 0),
                Ok(Err(err)) => panic!("call {i} failed instead of finishing or timing out: {err}"),
                Err(_) => (0, 1),
            }
        }
    });
    let (finished, cut) = futures::stream::iter(calls)
        .buffer_unordered(16)
        .fold((0, 0), |(f, c), (df, dc)| async move { (f + df, c + dc) })
        .await;
    eprintln!("timeout storm: {finished} calls finished, {cut} cut off by the host");

    let database = db.database().await.unwrap();
    let settled = Instant::now();
    loop {
        let status = database.status();
        assert!(status.size <= status.max_size, "{status:?}");
        if status.idle == status.size {
            break;
        }
        assert!(
            settled.elapsed() < Duration::from_secs(10),
            "connections still checked out 10 s after the storm: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rows = session
        .fetch_all("select count(*) as n from storm", vec![])
        .await
        .unwrap();
    assert!(rows.row(0).unwrap().get::<i64>("n").unwrap() <= 1000);
    session
        .execute(
            "insert into storm (id, note) values (100000, 'after')",
            vec![],
        )
        .await
        .unwrap();
    (finished, cut)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_host_timeouts_leak_no_postgres_connection() {
    with_postgres_database(|url| async move {
        let mut config = DatabaseConfig::new(&url);
        config.pool_size = 4;
        config.max_overflow = 0;
        let db = DbInterface::with_registry(config, registry()).unwrap();
        let (finished, cut) =
            timeout_storm(db.clone(), "select pg_sleep(0.002)::text", 0x5eed).await;
        assert!(finished > 0 && cut > 0, "{finished} finished, {cut} cut");
        // The server's view: none of our sessions is left inside a transaction, and no more
        // of them exist than the pool's size.
        let database = url.rsplit_once('/').unwrap().1.to_owned();
        let admin = interface(&postgres_admin_url());
        let rows = admin
            .session()
            .await
            .unwrap()
            .fetch_all(
                "select count(*) as sessions, \
                 count(*) filter (where state like 'idle in transaction%') as open_transactions \
                 from pg_stat_activity where datname = $1",
                vec![Value::Text(database.into())],
            )
            .await
            .unwrap();
        let row = rows.row(0).unwrap();
        assert!(row.get::<i64>("sessions").unwrap() <= 4);
        assert_eq!(row.get::<i64>("open_transactions").unwrap(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_host_timeouts_leave_sqlite_working() {
    let url = format!("sqlite:///{}", temp_dir("storm").join("storm.db").display());
    // A recursive count as SQLite's "sleep": a few milliseconds of work inside the statement.
    let busy = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000) \
                select count(*) from n";
    let (finished, cut) = timeout_storm(interface(&url), busy, 0xfeed).await;
    assert!(finished > 0 && cut > 0, "{finished} finished, {cut} cut");
    assert_intact(&interface(&url).session().await.unwrap()).await;
}

/// The writer a SIGKILL test runs in a process of its own: commits rows one transaction each,
/// printing each id once its commit returned. Not a test by itself.
#[tokio::test]
#[ignore = "run by sqlite_killed_mid_burst_loses_no_acknowledged_write in a child process"]
async fn sqlite_writer_child() {
    let Ok(url) = std::env::var("FLOWDB_FAULTS_WRITER_URL") else {
        return;
    };
    let db = interface(&url);
    let session = db.session().await.unwrap();
    let payload = "x".repeat(2000);
    for id in 0_i64.. {
        let mut transaction = session.begin_transaction(true).await.unwrap();
        transaction
            .execute(
                "insert into burst (id, payload) values ($1, $2)",
                vec![Value::Int64(id), Value::Text(payload.as_str().into())],
            )
            .await
            .unwrap();
        transaction.commit().await.unwrap();
        println!("acked {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_killed_mid_burst_loses_no_acknowledged_write() {
    let mut random = random(0xdead_beef);
    for round in 0..5 {
        let file = temp_dir("burst").join("burst.db");
        let url = format!("sqlite:///{}", file.display());
        interface(&url)
            .session()
            .await
            .unwrap()
            .execute(
                "create table burst (id integer primary key, payload text not null)",
                vec![],
            )
            .await
            .unwrap();
        let kill_after = 20 + random.next_u64() % 300;
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "sqlite_writer_child", "--ignored", "--nocapture"])
            .env("FLOWDB_FAULTS_WRITER_URL", &url)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut acked = Vec::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while (acked.len() as u64) < kill_after {
            let line = lines.next().expect("the writer stopped early").unwrap();
            if let Some(id) = line.strip_prefix("acked ") {
                acked.push(id.parse::<i64>().unwrap());
            }
        }
        child.kill().unwrap(); // SIGKILL, mid-burst: the writer is committing the next row.
        child.wait().unwrap();
        // Acknowledgements already in the pipe count too.
        for line in lines {
            if let Some(id) = line.unwrap().strip_prefix("acked ") {
                acked.push(id.parse::<i64>().unwrap());
            }
        }

        let db = interface(&url);
        let session = db.session().await.unwrap();
        assert_intact(&session).await;
        let rows = session
            .fetch_all("select id from burst order by id", vec![])
            .await
            .unwrap();
        let present: Vec<i64> = (0..rows.len())
            .map(|i| rows.row(i).unwrap().get::<i64>("id").unwrap())
            .collect();
        for id in &acked {
            assert!(
                present.binary_search(id).is_ok(),
                "round {round}: acknowledged row {id} is gone ({} acked, {} present)",
                acked.len(),
                present.len()
            );
        }
        // At most the one in flight was committed without its acknowledgement reaching us.
        assert!(present.len() <= acked.len() + 1, "round {round}");
        session
            .execute(
                "insert into burst (id, payload) values (-1, 'after')",
                vec![],
            )
            .await
            .unwrap();
    }
}

/// The full-disk scenario, run by `sqlite_on_a_full_disk_fails_clearly_and_recovers` inside a
/// user and mount namespace of its own, where it may mount a small tmpfs. Not a test by itself.
#[tokio::test]
#[ignore = "run by sqlite_on_a_full_disk_fails_clearly_and_recovers in a namespace of its own"]
async fn sqlite_full_disk_child() {
    let Ok(dir) = std::env::var("FLOWDB_FAULTS_FULL_DISK_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount a 4 MB tmpfs");
    // Room to give back once the disk has filled up.
    let ballast = dir.join("ballast");
    std::fs::write(&ballast, vec![0_u8; 1 << 20]).unwrap();
    let url = format!("sqlite:///{}", dir.join("full.db").display());
    let db = interface(&url);
    let session = db.session().await.unwrap();
    session
        .execute(
            "create table filler (id integer primary key, payload text not null)",
            vec![],
        )
        .await
        .unwrap();
    let payload = "f".repeat(16 * 1024);
    let mut acked = Vec::new();
    let err = loop {
        let id = acked.len() as i64;
        let write = async {
            let mut transaction = session.begin_transaction(true).await?;
            transaction
                .execute(
                    "insert into filler (id, payload) values ($1, $2)",
                    vec![Value::Int64(id), Value::Text(payload.as_str().into())],
                )
                .await?;
            transaction.commit().await
        };
        match write.await {
            Ok(()) => acked.push(id),
            Err(err) => break err,
        }
        assert!(acked.len() < 10_000, "the 4 MB disk never filled up");
    };
    let message = err.to_string();
    assert!(
        message.contains("database or disk is full"),
        "a clear error: {message}"
    );
    eprintln!(
        "disk full after {} acknowledged rows: {message}",
        acked.len()
    );

    // Space again: the same database opens, is intact, holds every acknowledged row, and
    // takes writes.
    std::fs::remove_file(&ballast).unwrap();
    drop(session);
    db.close().await;
    let db = interface(&url);
    let session = db.session().await.unwrap();
    assert_intact(&session).await;
    let rows = session
        .fetch_all("select count(*) as n, max(id) as top from filler", vec![])
        .await
        .unwrap();
    let row = rows.row(0).unwrap();
    assert_eq!(row.get::<i64>("n").unwrap(), acked.len() as i64);
    assert_eq!(row.get::<i64>("top").unwrap(), acked.len() as i64 - 1);
    session
        .execute(
            "insert into filler (id, payload) values (-1, 'after')",
            vec![],
        )
        .await
        .unwrap();
    println!("FULL-DISK-OK");
}

#[test]
fn sqlite_on_a_full_disk_fails_clearly_and_recovers() {
    let dir = temp_dir("full-disk");
    let output = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sqlite_full_disk_child",
            "--ignored",
            "--nocapture",
        ])
        .env("FLOWDB_FAULTS_FULL_DISK_DIR", &dir)
        .output()
        .expect("run unshare (util-linux) to mount a small tmpfs in a namespace of the test's own");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("FULL-DISK-OK"),
        "{stdout}\n{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
