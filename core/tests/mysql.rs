//! The mysql dialect against the MariaDB server of the test machine (`FLOWDB_TEST_MYSQL_URL`,
//! scripts/ensure-mariadb.sh): what `flowdb plugins verify` does not reach yet.
#![allow(clippy::unwrap_used)]

mod common;

use common::interface;

fn mysql_url() -> String {
    std::env::var("FLOWDB_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// `mysql://…/<name>`.
fn with_database(name: &str) -> String {
    let url = mysql_url();
    let (server, _) = url.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The schema snapshot reads tables, columns, keys, indexes, foreign keys and checks from
/// `information_schema`, in the line format the host compares.
#[tokio::test]
async fn the_schema_snapshot_names_every_kind_of_object() {
    let name = format!("flowdb_test_snapshot_{}", std::process::id());
    let db = interface(&with_database(&name));
    db.create_database().await.unwrap();
    let outcome = async {
        let session = db.session().await.unwrap();
        for sql in [
            "create table parent (id char(36) not null primary key, name varchar(255) not null, \
             constraint uq_parent_name unique (name))",
            "create table child (id char(36) not null, parent_id char(36), \
             created datetime(6) not null default current_timestamp(6), \
             doc json default ('{}'), n int not null default 0, \
             primary key (id), \
             constraint fk_child_parent foreign key (parent_id) references parent (id) on delete cascade, \
             constraint ck_child_n check (n >= 0))",
            "create index ix_child_created on child (created desc, n)",
        ] {
            session.execute(sql, vec![]).await.unwrap();
        }
        db.schema_snapshot().await.unwrap()
    }
    .await;
    db.drop_database().await.unwrap();
    let lines = outcome;
    for expected in [
        "table child",
        "table parent",
        "column parent.name type=varchar(255) nullable=no default=NULL",
        "column child.n type=int(11) nullable=no default=0",
        "pk parent name=PRIMARY columns=(id)",
        "unique parent name=uq_parent_name columns=(name)",
        "index child.ix_child_created unique=false method=btree columns=(created DESC, n) where=-",
        "fk child(parent_id) -> parent(id) on_delete=CASCADE on_update=RESTRICT name=fk_child_parent",
        // Sessions quote identifiers the ANSI way, and so does the server's deparser.
        "check child name=ck_child_n expr=CHECK (\"n\" >= 0)",
        // MariaDB's JSON is LONGTEXT with a check the server adds.
        "column child.doc type=longtext nullable=yes default='{}'",
        "check child name=doc expr=CHECK (json_valid(\"doc\"))",
    ] {
        assert!(
            lines.iter().any(|line| line == expected),
            "{expected:?} missing from:\n{}",
            lines.join("\n")
        );
    }
}

/// `column t.c type=T nullable=N …` → ((t, c), (T, N)).
fn columns(lines: &[String]) -> std::collections::BTreeMap<(String, String), (String, String)> {
    lines
        .iter()
        .filter(|line| line.starts_with("column ") && !line.contains(" generated="))
        .map(|line| {
            let rest = &line["column ".len()..];
            let (qualified, rest) = rest.split_once(" type=").unwrap();
            let (kind, rest) = rest.split_once(" nullable=").unwrap();
            let nullable = rest.split(' ').next().unwrap();
            let (table, column) = qualified.split_once('.').unwrap();
            (
                (table.to_owned(), column.to_owned()),
                (kind.to_owned(), nullable.to_owned()),
            )
        })
        .collect()
}

/// The MySQL types a PostgreSQL column type of Prefect's schema maps to (MariaDB's spellings;
/// MySQL 8 writes `json` and drops integer display widths).
fn mysql_types_for(
    postgres: &str,
    enums: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    let fixed: &[&str] = match postgres {
        "uuid" => &["char(36)"],
        "timestamp with time zone" => &["datetime(6)"],
        "interval" => &["bigint(20)", "bigint"],
        "json" | "jsonb" => &["longtext", "json"],
        "boolean" => &["tinyint(1)"],
        "integer" => &["int(11)", "int"],
        "smallint" => &["smallint(6)", "smallint"],
        "double precision" => &["double"],
        "character varying" | "text" => &["varchar(255)", "longtext"],
        other => {
            if let Some(length) = other
                .strip_prefix("character varying(")
                .and_then(|rest| rest.strip_suffix(')'))
            {
                return vec![format!("varchar({length})")];
            }
            // A PostgreSQL enum type: MySQL's inline ENUM with the same labels in order.
            let labels = enums
                .get(other)
                .unwrap_or_else(|| panic!("no mapping for the PostgreSQL type {other}"));
            let quoted: Vec<String> = labels
                .split(", ")
                .map(|label| format!("'{label}'"))
                .collect();
            return vec![format!("enum({})", quoted.join(","))];
        }
    };
    fixed.iter().map(|kind| (*kind).to_owned()).collect()
}

/// The MySQL migrations build the same logical schema as Prefect 3.9.1's PostgreSQL reference:
/// every table, every column with its nullability and a type that maps from the reference's,
/// every foreign key with its columns, target and delete action, every unique constraint and
/// every index by name — but for the ones MySQL cannot express, each named here with why.
#[tokio::test]
async fn the_migrations_map_one_to_one_onto_the_postgresql_reference() {
    let reference: Vec<String> = include_str!("fixtures/schema/prefect-3.9.1-postgresql.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(str::to_owned)
        .collect();
    let name = format!("flowdb_test_mapping_{}", std::process::id());
    let db = interface(&with_database(&name));
    db.create_database().await.unwrap();
    let snapshot = async {
        db.upgrade("head").await.unwrap();
        db.schema_snapshot().await.unwrap()
    }
    .await;
    db.drop_database().await.unwrap();
    let snapshot: Vec<String> = snapshot
        .into_iter()
        .filter(|line| !line.contains("flowdb_migrations"))
        .collect();

    let tables = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter_map(|line| line.strip_prefix("table ").map(str::to_owned))
            .collect()
    };
    assert_eq!(tables(&snapshot), tables(&reference), "the tables");

    let enums: std::collections::BTreeMap<String, String> = reference
        .iter()
        .filter_map(|line| line.strip_prefix("enum "))
        .map(|rest| {
            let (name, values) = rest.split_once(" values=(").unwrap();
            (name.to_owned(), values.trim_end_matches(')').to_owned())
        })
        .collect();
    let mysql_columns = columns(&snapshot);
    let postgres_columns = columns(&reference);
    assert_eq!(
        mysql_columns.keys().collect::<Vec<_>>(),
        postgres_columns.keys().collect::<Vec<_>>(),
        "the columns"
    );
    for (key, (postgres_type, postgres_nullable)) in &postgres_columns {
        let (mysql_type, mysql_nullable) = &mysql_columns[key];
        assert_eq!(mysql_nullable, postgres_nullable, "{key:?}: nullability");
        let allowed = mysql_types_for(postgres_type, &enums);
        assert!(
            allowed.contains(mysql_type),
            "{key:?}: {postgres_type} on PostgreSQL, {mysql_type} on MySQL; expected one of {allowed:?}"
        );
    }

    // Foreign keys: same name, columns, target; NO ACTION is what MySQL calls RESTRICT.
    let foreign_keys = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|line| line.starts_with("fk "))
            .map(|line| {
                let (head, tail) = line.split_once(" on_delete=").unwrap();
                let (on_delete, rest) = tail.split_once(" on_update=").unwrap();
                let name = rest.split_once(" name=").unwrap().1;
                let on_delete = if on_delete == "NO ACTION" {
                    "RESTRICT"
                } else {
                    on_delete
                };
                format!("{head} on_delete={on_delete} name={name}")
            })
            .collect()
    };
    let mut mysql_fks = foreign_keys(&snapshot);
    let mut postgres_fks = foreign_keys(&reference);
    mysql_fks.sort();
    postgres_fks.sort();
    assert_eq!(mysql_fks, postgres_fks, "the foreign keys");

    // Unique constraints and indexes by name; MySQL may hold a unique constraint as a unique
    // index and adds an index for each foreign key.
    let named = |lines: &[String]| -> std::collections::BTreeSet<String> {
        lines
            .iter()
            .filter_map(|line| {
                if let Some(rest) = line.strip_prefix("index ") {
                    rest.split(' ').next().map(str::to_owned)
                } else if let Some(rest) = line.strip_prefix("unique ") {
                    let (table, rest) = rest.split_once(" name=").unwrap();
                    Some(format!("{table}.{}", rest.split(' ').next().unwrap()))
                } else {
                    None
                }
            })
            .collect()
    };
    let mysql_names = named(&snapshot);
    // No counterpart in MySQL: trigram (pg_trgm GIN) indexes for ILIKE '%…%', and GIN indexes
    // over JSON arrays (the migration says so at each).
    let without_counterpart = [
        "block_schema.ix_block_schema__capabilities",
        "events.ix_events__related_gin",
        "events.ix_events__related_resource_ids_gin",
    ];
    for name in named(&reference) {
        let trigram = reference.iter().any(|line| {
            line.starts_with(&format!("index {name} ")) && line.contains("gin_trgm_ops")
        });
        if trigram || without_counterpart.contains(&name.as_str()) {
            continue;
        }
        assert!(
            mysql_names.contains(&name),
            "the index or unique constraint {name} is missing from the MySQL schema"
        );
    }
}

/// Creating a run again (a retried request, the same id) leaves the stored run as it is. With
/// an idempotency key, MySQL's do-nothing insert returns the row it kept, and a run stored
/// before must not be taken for a new one and pointed at a second first state: nothing is
/// created, as on PostgreSQL. Without one, the duplicate id is a constraint violation, as on
/// PostgreSQL.
#[tokio::test]
async fn a_run_created_again_is_left_alone() {
    use chrono::{TimeDelta, Utc};
    use flowdb::models::{Flow, FlowRun, FlowRunState, Select, StateType};
    use flowdb::orchestration::StateProposal;

    common::with_mysql_database(|url| async move {
        let db = interface(&url);
        db.upgrade("head").await.unwrap();
        let session = db.session().await.unwrap();
        let flow = Flow::new("again");
        session.insert(&flow).await.unwrap();
        let now = Utc::now();
        let mut keyed = FlowRun::new(flow.id, "keyed", now + TimeDelta::minutes(5));
        keyed.idempotency_key = Some("once".into());
        let plain = FlowRun::new(flow.id, "plain", now + TimeDelta::minutes(6));
        for run in [&keyed, &plain] {
            let created = db.create_flow_runs(vec![run.clone()], now).await.unwrap();
            assert_eq!(created, [run.id]);
            db.set_flow_run_state(run.id, StateProposal::new(StateType::Pending), None)
                .await
                .unwrap();
        }
        let db_ref = &db;
        let stored = |run: &FlowRun| {
            let (session, db, id) = (&session, db_ref, run.id);
            async move {
                let run = session
                    .get::<FlowRun>(flowdb::params![id])
                    .await
                    .unwrap()
                    .unwrap();
                let states = Select::<FlowRunState>::new()
                    .filter(FlowRunState::flow_run_id.eq(id))
                    .count(db)
                    .await
                    .unwrap();
                (run.state_type, run.state_id, states)
            }
        };
        let (keyed_before, plain_before) = (stored(&keyed).await, stored(&plain).await);
        assert_eq!(keyed_before.0, Some(StateType::Pending));
        assert_eq!(keyed_before.2, 2, "SCHEDULED, then PENDING");

        let again = db.create_flow_runs(vec![keyed.clone()], now).await.unwrap();
        assert!(again.is_empty(), "{again:?}");
        let err = db
            .create_flow_runs(vec![plain.clone()], now)
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(flowdb::ErrorKind::CONSTRAINT_VIOLATION),
            "{err}"
        );
        assert_eq!(stored(&keyed).await, keyed_before);
        assert_eq!(stored(&plain).await, plain_before);
        db.close().await;
    })
    .await;
}

/// A list item longer than any stored value matches nothing: `JSON_TABLE` cuts it to the
/// list column's length without an error, and the cut item must not equal a stored name.
#[tokio::test]
async fn a_list_item_longer_than_a_column_matches_nothing() {
    use chrono::Utc;
    use flowdb::models::{Flow, FlowRun};
    use flowdb::queries::components::{FlowRunFilter, ReadFlowRuns};

    common::with_mysql_database(|url| async move {
        let db = interface(&url);
        db.upgrade("head").await.unwrap();
        let flow = Flow::new("long names");
        db.session().await.unwrap().insert(&flow).await.unwrap();
        let stored = "a".repeat(255);
        let run = FlowRun::new(flow.id, stored.clone(), Utc::now());
        db.create_flow_runs(vec![run.clone()], Utc::now())
            .await
            .unwrap();
        let read = |names: Vec<String>| {
            let db = &db;
            async move {
                db.read_flow_runs(&ReadFlowRuns {
                    filter: FlowRunFilter {
                        name_any: Some(names),
                        ..Default::default()
                    },
                    ..Default::default()
                })
                .await
                .unwrap()
                .into_iter()
                .map(|run| run.id)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(read(vec![stored.clone()]).await, [run.id]);
        assert!(read(vec!["a".repeat(300)]).await.is_empty());
        assert_eq!(
            read(vec![format!("{stored}b"), stored.clone()]).await,
            [run.id]
        );
        db.close().await;
    })
    .await;
}

/// Creators racing to create the same keyed run: whichever order the database puts them in,
/// the run is created once, with one first state, and every call either returns it or returns
/// nothing (a creator whose insert waited for another's commit must not take the stored run
/// for its own). Concurrent keyed creators also meet on MySQL's gap locks, and a deadlock's
/// victim runs again rather than failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_creators_of_one_keyed_run_create_it_once() {
    use chrono::Utc;
    use flowdb::models::{Flow, FlowRun, FlowRunState, Select};

    common::with_mysql_database(|url| async move {
        let db = interface(&url);
        db.upgrade("head").await.unwrap();
        let flow = Flow::new("racing");
        db.session().await.unwrap().insert(&flow).await.unwrap();
        for round in 0..10 {
            let mut run = FlowRun::new(flow.id, format!("race {round}"), Utc::now());
            run.idempotency_key = Some(format!("key {round}"));
            let creators: Vec<_> = (0..4)
                .map(|_| {
                    let (db, run) = (db.clone(), run.clone());
                    tokio::spawn(async move { db.create_flow_runs(vec![run], Utc::now()).await })
                })
                .collect();
            let mut created = Vec::new();
            for creator in creators {
                created.extend(creator.await.unwrap().unwrap());
            }
            assert_eq!(created, [run.id], "round {round}");
            let states = Select::<FlowRunState>::new()
                .filter(FlowRunState::flow_run_id.eq(run.id))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(states, 1, "round {round}: one first state");
        }
        db.close().await;
    })
    .await;
}

/// More runs in one call than MySQL's 65,535 placeholders could name twice over: each run
/// still gets its state.
#[tokio::test]
async fn thirty_three_thousand_runs_in_one_call_all_get_their_state() {
    use chrono::Utc;
    use flowdb::models::{Flow, FlowRun, Select};

    common::with_mysql_database(|url| async move {
        let db = interface(&url);
        db.upgrade("head").await.unwrap();
        let flow = Flow::new("many");
        db.session().await.unwrap().insert(&flow).await.unwrap();
        let now = Utc::now();
        let runs: Vec<FlowRun> = (0..33_000)
            .map(|index| FlowRun::new(flow.id, format!("run {index}"), now))
            .collect();
        let created = db.create_flow_runs(runs, now).await.unwrap();
        assert_eq!(created.len(), 33_000);
        let without_state = Select::<FlowRun>::new()
            .filter(
                FlowRun::flow_id
                    .eq(flow.id)
                    .and(FlowRun::state_id.eq(None::<uuid::Uuid>)),
            )
            .count(&db)
            .await
            .unwrap();
        assert_eq!(without_state, 0);
        db.close().await;
    })
    .await;
}

/// A server that cannot be reached, in its forms: a port nobody listens on, a host name that
/// does not resolve, and a server that accepts the connection and never answers (within the
/// connection timeout). Each is a CONNECTION or TIMEOUT error naming what failed, soon.
#[tokio::test]
async fn an_unreachable_server_in_every_form_is_an_error_soon() {
    use std::time::{Duration, Instant};

    // Accepts connections and says nothing, as a hung server does.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in silent.incoming().take(4) {
            kept.push(stream);
        }
        std::thread::sleep(Duration::from_secs(5));
    });
    for (url, says) in [
        (
            "mysql://root@127.0.0.1:1/flowdb_nowhere".to_owned(),
            "refused",
        ),
        (
            "mysql://root@flowdb-nowhere.invalid:3306/flowdb_nowhere".to_owned(),
            "flowdb-nowhere.invalid",
        ),
        (
            format!("mysql://root@127.0.0.1:{silent_port}/flowdb_nowhere"),
            "within 1000 ms",
        ),
    ] {
        let mut config = flowdb::DatabaseConfig::new(&url);
        config.connection_timeout = Some(Duration::from_secs(1));
        let db = flowdb::DbInterface::with_registry(config, common::registry()).unwrap();
        let started = Instant::now();
        let err = db.session().await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{url}: {:?}",
            started.elapsed()
        );
        assert!(
            matches!(
                err.kind(),
                Some(flowdb::ErrorKind::CONNECTION | flowdb::ErrorKind::TIMEOUT)
            ),
            "{url}: {err}"
        );
        assert!(err.to_string().contains(says), "{url}: {err}");
    }
    drop(held);
}
