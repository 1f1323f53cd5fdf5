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
