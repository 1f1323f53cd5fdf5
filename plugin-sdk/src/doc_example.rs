//! A dialect that reaches no database, for the SDK's doc examples that need a dialect type.
// Written as the traits declare them, as a plugin author's would be.
#![allow(clippy::manual_async_fn)]

use crate::prelude::*;

/// A dialect whose every connection is refused.
pub struct ExampleDialect;

/// Its pool, which nothing ever opens.
pub struct ExamplePool;

/// Its transaction, which nothing ever begins.
pub struct ExampleTransaction;

fn refused() -> Error {
    Error::new(
        ErrorKind::UNSUPPORTED,
        "the example dialect reaches no database",
    )
}

impl Dialect for ExampleDialect {
    const NAME: &'static str = "example";
    const URL_SCHEMES: &'static [&'static str] = &["example"];
    type Pool = ExamplePool;

    fn connect(
        _options: ConnectOptions,
    ) -> impl Future<Output = Result<ExamplePool>> + Send + use<> {
        async { Err(refused()) }
    }
}

impl Pool for ExamplePool {
    type Transaction = ExampleTransaction;

    fn execute(&self, _: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        async { Err(refused()) }
    }
    fn fetch_all(&self, _: Statement) -> impl Future<Output = Result<RowSet>> + Send + use<> {
        async { Err(refused()) }
    }
    fn begin(&self, _: bool) -> impl Future<Output = Result<ExampleTransaction>> + Send + use<> {
        async { Err(refused()) }
    }
    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        async { Err(refused()) }
    }
    fn status(&self) -> PoolStatus {
        PoolStatus {
            size: 0,
            idle: 0,
            max_size: 0,
        }
    }
}

impl Transaction for ExampleTransaction {
    fn execute(&mut self, _: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + '_ {
        async { Err(refused()) }
    }
    fn fetch_all(&mut self, _: Statement) -> impl Future<Output = Result<RowSet>> + Send + '_ {
        async { Err(refused()) }
    }
    fn commit(self) -> impl Future<Output = Result<()>> + Send {
        async { Err(refused()) }
    }
    fn rollback(self) -> impl Future<Output = Result<()>> + Send {
        async { Err(refused()) }
    }
}
