//! Typed reads of any model: filters on its columns, sorts, paging, counts, group counts and
//! row locks, with bound parameters only.
//!
//! Every model has one constant per column, named like its field (`FlowRun::state_type`), from
//! which filters and sorts are built:
//!
//! ```no_run
//! # async fn example(db: &flowdb::DbInterface) -> flowdb::Result<()> {
//! use flowdb::models::{FlowRun, Select, StateType};
//!
//! let due: Vec<FlowRun> = Select::<FlowRun>::new()
//!     .filter(
//!         FlowRun::state_type
//!             .is_in([StateType::Scheduled, StateType::Pending])
//!             .and(FlowRun::tags.json_has_any(["nightly"]))
//!             .and(FlowRun::expected_start_time.le(chrono::Utc::now())),
//!     )
//!     .order_by(FlowRun::expected_start_time.asc())
//!     .limit(50)
//!     .fetch(db)
//!     .await?;
//! let by_state = Select::<FlowRun>::new().count_by(FlowRun::state_type, db).await?;
//! # Ok(()) }
//! ```
//!
//! The statement is built with sea-query (its PostgreSQL builder: quoted identifiers and `$n`
//! placeholders, the contract's convention on every dialect), so only plain SQL that both
//! first-party dialects accept goes out; what differs by dialect — JSON containment and row
//! locks — is asked of the plugin's tier 2 (`json_has_all`, `json_has_any`, `for_update`).
//!
//! Rules that make both dialects give the same answer:
//! - NULLs sort last ascending and first descending (PostgreSQL's default), written out as
//!   `NULLS LAST`/`NULLS FIRST` so SQLite does the same (and as a sort on `column IS NULL`
//!   first where the dialect has no such clause: MySQL); the primary key breaks ties, so
//!   paging with `limit`/`offset` is stable.
//! - `eq(None)` means `IS NULL` and `ne(None)` `IS NOT NULL`, as in SQLAlchemy; an empty
//!   `is_in` matches nothing and an empty `is_not_in` excludes nothing, as Prefect's `_any`
//!   filters do.
//! - Text sorts by the database's collation: PostgreSQL's follows the database's locale,
//!   SQLite's compares bytes. They agree on ASCII letters and digits of one case.
//! - An enum column (`state_type`) sorts by Prefect's declaration order on PostgreSQL (its
//!   enum type) and by its name on SQLite (text).
//!
//! **Locks.** [`Select::for_update`] reads inside a transaction ([`Select::fetch_in`]) and
//! locks what it reads until the transaction ends. On PostgreSQL that is `FOR UPDATE` (with
//! `SKIP LOCKED` or `NOWAIT` as asked) on the rows read, in any transaction. On SQLite, a
//! transaction begun `with_for_update` (`BEGIN IMMEDIATE`) holds the database's write lock
//! from its start, which covers every row: skipping is moot (no other writer can hold a
//! row) and waiting is the busy timeout's. A locked read in a SQLite transaction begun
//! without `with_for_update` would lock nothing, so it is refused.

use std::marker::PhantomData;

use sea_query::{Cond, Expr, ExprTrait, NullOrdering, Order, PostgresQueryBuilder, Query};

use crate::config::Transaction;
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::models::ColumnKind;
use crate::models::Model;
use crate::queries::QueryComponents;
use crate::queries::components::{Component, ForUpdate, InList, JsonHasAll, JsonHasAny};
use crate::value::{FromValue, IntoValue, Value};

/// A value a column holding `T` may be compared with: a `T`; for a nullable column
/// (`Option<T>`) a plain `T` too; a reference to either; `&str` for text. So a filter cannot
/// compare a column with a value of another type:
///
/// ```compile_fail
/// use flowdb::models::{FlowRun, Select};
///
/// // run_count is an i32: a text does not compile.
/// let _ = Select::<FlowRun>::new().filter(FlowRun::run_count.eq("three"));
/// ```
///
/// ```
/// use flowdb::models::{FlowRun, Select, StateType};
///
/// let id = uuid::Uuid::nil();
/// let _ = Select::<FlowRun>::new().filter(
///     FlowRun::run_count
///         .eq(3)
///         .and(FlowRun::state_type.is_in([Some(StateType::Running), None]))
///         .and(FlowRun::state_type.ne(StateType::Failed))
///         .and(FlowRun::work_queue_name.eq("default"))
///         .and(FlowRun::id.ne(&id)),
/// );
/// ```
pub trait Operand<T> {
    /// The value bound for it.
    fn into_operand(self) -> Value;
}

impl<T: IntoValue> Operand<T> for T {
    fn into_operand(self) -> Value {
        self.into_value()
    }
}

impl<T: IntoValue> Operand<Option<T>> for T {
    fn into_operand(self) -> Value {
        self.into_value()
    }
}

impl<T: IntoValue + Clone> Operand<T> for &T {
    fn into_operand(self) -> Value {
        self.clone().into_value()
    }
}

impl<T: IntoValue + Clone> Operand<Option<T>> for &T {
    fn into_operand(self) -> Value {
        self.clone().into_value()
    }
}

impl Operand<String> for &str {
    fn into_operand(self) -> Value {
        self.into_value()
    }
}

impl Operand<Option<String>> for &str {
    fn into_operand(self) -> Value {
        self.into_value()
    }
}

/// A column of model `M` whose field holds a `T`.
pub struct Column<M, T> {
    name: &'static str,
    _types: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> std::fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Column({})", self.name)
    }
}

impl<M: Model, T> Column<M, T> {
    /// The column named `name` of `M`'s table (the models declare theirs).
    #[doc(hidden)]
    pub const fn new(name: &'static str) -> Self {
        Column {
            name,
            _types: PhantomData,
        }
    }

    /// The column's name.
    pub fn name(self) -> &'static str {
        self.name
    }

    fn kind(self) -> Option<ColumnKind> {
        M::TABLE.column(self.name).map(|column| column.kind)
    }

    fn compare(self, op: Comparison, value: impl Operand<T>) -> Filter<M> {
        Filter::node(Node::Compare {
            column: self.name,
            op,
            value: value.into_operand(),
        })
    }

    /// Equal to `value` (`IS NULL` when it is `None`).
    pub fn eq(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Eq, value)
    }

    /// Not equal to `value` (`IS NOT NULL` when it is `None`); like SQL, a NULL column is
    /// neither equal nor unequal to a value.
    pub fn ne(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Ne, value)
    }

    /// Less than `value`.
    pub fn lt(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Lt, value)
    }

    /// At most `value`.
    pub fn le(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Le, value)
    }

    /// Greater than `value`.
    pub fn gt(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Gt, value)
    }

    /// At least `value`.
    pub fn ge(self, value: impl Operand<T>) -> Filter<M> {
        self.compare(Comparison::Ge, value)
    }

    fn membership<V: Operand<T>>(
        self,
        values: impl IntoIterator<Item = V>,
        negate: bool,
    ) -> Filter<M> {
        Filter::node(Node::In {
            column: self.name,
            values: values.into_iter().map(Operand::into_operand).collect(),
            negate,
            kind: self.kind(),
        })
    }

    /// One of `values` (nothing matches an empty list; a `None` among them matches NULL).
    pub fn is_in<V: Operand<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.membership(values, false)
    }

    /// None of `values` (an empty list excludes nothing; a NULL column is excluded, as in SQL,
    /// and a `None` among them excludes NULL only).
    pub fn is_not_in<V: Operand<T>>(self, values: impl IntoIterator<Item = V>) -> Filter<M> {
        self.membership(values, true)
    }

    /// NULL.
    pub fn is_null(self) -> Filter<M> {
        Filter::node(Node::Null {
            column: self.name,
            negate: false,
        })
    }

    /// Not NULL.
    pub fn is_not_null(self) -> Filter<M> {
        Filter::node(Node::Null {
            column: self.name,
            negate: true,
        })
    }

    fn json_has<S: Into<String>>(self, texts: impl IntoIterator<Item = S>, all: bool) -> Filter<M> {
        Filter::node(Node::Json {
            column: self.name,
            all,
            texts: texts.into_iter().map(Into::into).collect(),
        })
    }

    /// The JSON array in this column holds every one of `texts` (Prefect's `tags.all_`).
    pub fn json_has_all<S: Into<String>>(self, texts: impl IntoIterator<Item = S>) -> Filter<M> {
        self.json_has(texts, true)
    }

    /// The JSON array in this column holds at least one of `texts` (Prefect's `tags.any_`).
    pub fn json_has_any<S: Into<String>>(self, texts: impl IntoIterator<Item = S>) -> Filter<M> {
        self.json_has(texts, false)
    }

    fn sort(self, descending: bool) -> Sort<M> {
        Sort {
            column: self.name,
            descending,
            _model: PhantomData,
        }
    }

    /// Ascending, NULLs last.
    pub fn asc(self) -> Sort<M> {
        self.sort(false)
    }

    /// Descending, NULLs first.
    pub fn desc(self) -> Sort<M> {
        self.sort(true)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Compare {
        column: &'static str,
        op: Comparison,
        value: Value,
    },
    In {
        column: &'static str,
        values: Vec<Value>,
        negate: bool,
        /// What the column holds: a long list binds as one list value only when its values
        /// are of the column's own kind (PostgreSQL will not compare an enum or a UUID column
        /// with a text array).
        kind: Option<ColumnKind>,
    },
    Null {
        column: &'static str,
        negate: bool,
    },
    Json {
        column: &'static str,
        all: bool,
        texts: Vec<String>,
    },
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
}

/// A condition on rows of model `M`, combined with [`and`](Self::and), [`or`](Self::or) and
/// [`not`](Self::not).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter<M> {
    node: Node,
    _model: PhantomData<fn() -> M>,
}

impl<M> Filter<M> {
    fn node(node: Node) -> Filter<M> {
        Filter {
            node,
            _model: PhantomData,
        }
    }

    /// Both hold.
    pub fn and(self, other: Filter<M>) -> Filter<M> {
        Filter::all([self, other])
    }

    /// Either holds.
    pub fn or(self, other: Filter<M>) -> Filter<M> {
        Filter::any([self, other])
    }

    /// It does not hold (a NULL comparison is neither, as in SQL).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter<M> {
        Filter::node(Node::Not(Box::new(self.node)))
    }

    /// Every one holds (true when there are none).
    pub fn all(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
        Filter::node(Node::All(filters.into_iter().map(|f| f.node).collect()))
    }

    /// At least one holds (false when there are none).
    pub fn any(filters: impl IntoIterator<Item = Filter<M>>) -> Filter<M> {
        Filter::node(Node::Any(filters.into_iter().map(|f| f.node).collect()))
    }
}

/// A sort on a column of model `M`.
#[derive(Debug, PartialEq, Eq)]
pub struct Sort<M> {
    column: &'static str,
    descending: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Sort<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Sort<M> {}

/// How a locked read treats rows another transaction holds (see the [module's
/// docs](self) for what each means on each dialect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lock {
    /// Wait for them (`FOR UPDATE`).
    #[default]
    Wait,
    /// Leave them out (`FOR UPDATE SKIP LOCKED`), as Prefect's polls do.
    SkipLocked,
    /// Fail at once (`FOR UPDATE NOWAIT`).
    NoWait,
}

/// A read of model `M`: a filter, sorts, paging and an optional row lock.
#[derive(Debug, Clone, PartialEq)]
pub struct Select<M> {
    filter: Option<Filter<M>>,
    sorts: Vec<Sort<M>>,
    limit: Option<u64>,
    offset: Option<u64>,
    lock: Option<Lock>,
}

impl<M: Model> Default for Select<M> {
    fn default() -> Self {
        Select {
            filter: None,
            sorts: Vec::new(),
            limit: None,
            offset: None,
            lock: None,
        }
    }
}

/// The statement a read renders to, with its values in placeholder order.
struct Built {
    sql: String,
    params: Vec<Value>,
    /// A lock was asked for and the dialect's clause for it is empty: the transaction's write
    /// lock is the lock.
    lock_is_the_transactions: bool,
}

/// Builds with sea-query while keeping flowdb's own values: sea-query sees each value as a
/// token (its index here), so a value it has no kind for (an interval, an enum label bound
/// untyped, a list) still binds exactly as the contract's [`Value`].
struct Binder<'a> {
    queries: &'a QueryComponents,
    /// The table, to qualify the columns handed to fragments: a fragment's own names (SQLite's
    /// `json_each` has a `value` column) must not capture them.
    table: &'static str,
    values: Vec<Value>,
}

impl Binder<'_> {
    fn token(&mut self, value: Value) -> Expr {
        self.values.push(value);
        Expr::val(sea_query::Value::BigInt(Some(self.values.len() as i64 - 1)))
    }

    fn expr(&mut self, node: &Node) -> Result<Expr> {
        Ok(match node {
            Node::Compare { column, op, value } => {
                let col = Expr::col(*column);
                if matches!(value, Value::Null) {
                    match op {
                        Comparison::Eq => return Ok(col.is_null()),
                        Comparison::Ne => return Ok(col.is_not_null()),
                        _ => {
                            return Err(Error::InvalidArgument {
                                operation: "select",
                                argument: "filter",
                                reason: format!(
                                    "compares `{column}` with NULL by order; use is_null or eq(None)"
                                ),
                            });
                        }
                    }
                }
                let value = self.token(value.clone());
                match op {
                    Comparison::Eq => col.eq(value),
                    Comparison::Ne => col.ne(value),
                    Comparison::Lt => col.lt(value),
                    Comparison::Le => col.lte(value),
                    Comparison::Gt => col.gt(value),
                    Comparison::Ge => col.gte(value),
                }
            }
            Node::In {
                column,
                values,
                negate,
                kind,
            } => {
                // NULL in a list means "or IS NULL" (`eq(None)` is `IS NULL`), not SQL's
                // `x IN (NULL)`, which is never true and makes `NOT IN` match nothing.
                let has_null = values.iter().any(|value| matches!(value, Value::Null));
                let values: Vec<Value> = values
                    .iter()
                    .filter(|value| !matches!(value, Value::Null))
                    .cloned()
                    .collect();
                let membership = if values.is_empty() {
                    None
                } else if values.len() > INLINE_LIST
                    && let Some(list) = one_list(&values, *kind)
                {
                    let fragment = fragment(
                        self.queries,
                        &InList {
                            expression: format!("\"{}\".\"{column}\"", self.table),
                            parameter: "$1".to_owned(),
                        },
                    )?;
                    let list = self.token(list);
                    Some(Expr::cust_with_exprs(fragment, [list]))
                } else {
                    let tokens: Vec<Expr> =
                        values.into_iter().map(|value| self.token(value)).collect();
                    Some(Expr::col(*column).is_in(tokens))
                };
                let null = Expr::col(*column).is_null();
                match (membership, has_null, *negate) {
                    (None, false, false) => Expr::cust("1 = 0"),
                    (None, false, true) => Expr::cust("1 = 1"),
                    (None, true, false) => null,
                    (None, true, true) => Expr::col(*column).is_not_null(),
                    (Some(member), false, false) => member,
                    (Some(member), false, true) => member.not(),
                    (Some(member), true, false) => Expr::expr(Cond::any().add(member).add(null)),
                    (Some(member), true, true) => Expr::expr(
                        Cond::all()
                            .add(member.not())
                            .add(Expr::col(*column).is_not_null()),
                    ),
                }
            }
            Node::Null { column, negate } => {
                if *negate {
                    Expr::col(*column).is_not_null()
                } else {
                    Expr::col(*column).is_null()
                }
            }
            Node::Json { column, all, texts } => {
                let expression = format!("\"{}\".\"{column}\"", self.table);
                let parameter = "$1".to_owned();
                let fragment = if *all {
                    fragment(
                        self.queries,
                        &JsonHasAll {
                            expression: expression.clone(),
                            parameter,
                        },
                    )?
                } else {
                    fragment(
                        self.queries,
                        &JsonHasAny {
                            expression: expression.clone(),
                            parameter,
                        },
                    )?
                };
                let list = self.token(Value::TextList(
                    texts.iter().map(|text| text.as_str().into()).collect(),
                ));
                // A NULL document is unknown on every dialect (SQLite's json_each of NULL
                // would otherwise make `has_all([])` true where PostgreSQL's is NULL).
                Expr::cust_with_exprs(
                    format!("CASE WHEN {expression} IS NULL THEN NULL ELSE ({fragment}) END"),
                    [list],
                )
            }
            Node::All(nodes) => {
                let mut cond = Cond::all();
                for node in nodes {
                    cond = cond.add(self.expr(node)?);
                }
                if nodes.is_empty() {
                    Expr::cust("1 = 1")
                } else {
                    Expr::expr(cond)
                }
            }
            Node::Any(nodes) => {
                let mut cond = Cond::any();
                for node in nodes {
                    cond = cond.add(self.expr(node)?);
                }
                if nodes.is_empty() {
                    Expr::cust("1 = 0")
                } else {
                    Expr::expr(cond)
                }
            }
            Node::Not(node) => self.expr(node)?.not(),
        })
    }

    /// The built statement, its sea-query values turned back into flowdb's.
    fn finish(self, (sql, values): (String, sea_query::Values)) -> Result<Built> {
        let params = values
            .into_iter()
            .map(|value| match value {
                sea_query::Value::BigInt(Some(token)) => usize::try_from(token)
                    .ok()
                    .and_then(|index| self.values.get(index).cloned())
                    .ok_or_else(|| internal(format!("unknown value token {token}"))),
                // LIMIT and OFFSET, which sea-query binds itself.
                sea_query::Value::BigUnsigned(Some(count)) => i64::try_from(count)
                    .map(Value::Int64)
                    .map_err(|_| internal(format!("a count of {count} rows"))),
                other => Err(internal(format!("an unexpected value {other:?}"))),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Built {
            sql,
            params,
            lock_is_the_transactions: false,
        })
    }
}

/// Lists longer than this bind as one list parameter (tier 2's `in_list`) where they can, so
/// their length is not limited by the dialect's bind parameters (999 on SQLite).
const INLINE_LIST: usize = 64;

/// `values` as one list value, if they are all of the column's own kind: UUIDs of a UUID
/// column, 64-bit integers of an integer column, texts of a text column.
fn one_list(values: &[Value], kind: Option<ColumnKind>) -> Option<Value> {
    match kind? {
        ColumnKind::Uuid => values
            .iter()
            .map(|value| match value {
                Value::Uuid(bytes) => Some(*bytes),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| Value::UuidList(items.into_iter().collect())),
        ColumnKind::BigInt | ColumnKind::Integer | ColumnKind::SmallInt => values
            .iter()
            .map(|value| match value {
                Value::Int64(number) => Some(*number),
                Value::Int32(number) => Some(i64::from(*number)),
                Value::Int16(number) => Some(i64::from(*number)),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| Value::Int64List(items.into_iter().collect())),
        ColumnKind::Text => values
            .iter()
            .map(|value| match value {
                Value::Text(text) => Some(text.clone()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|items| Value::TextList(items.into_iter().collect())),
        _ => None,
    }
}

/// The SQL of a tier-2 fragment component on this dialect.
fn fragment<C: Component>(queries: &QueryComponents, component: &C) -> Result<String> {
    Ok(queries.render_typed(component)?.into_statement()?.sql)
}

fn internal(reason: String) -> Error {
    Error::InvalidArgument {
        operation: "select",
        argument: "filter",
        reason: format!("could not be built: {reason}"),
    }
}

impl<M: Model> Select<M> {
    /// Every row of `M`'s table, sorted by primary key.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the rows `filter` holds for (several calls: all must hold).
    pub fn filter(mut self, filter: Filter<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(previous) => previous.and(filter),
            None => filter,
        });
        self
    }

    /// Sorted by `sort` (then by the sorts added after it, then by the primary key).
    pub fn order_by(mut self, sort: Sort<M>) -> Self {
        self.sorts.push(sort);
        self
    }

    /// At most `limit` rows.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Skipping the first `offset` rows.
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Locks the rows read until the transaction ends; read with [`fetch_in`](Self::fetch_in).
    pub fn for_update(mut self, lock: Lock) -> Self {
        self.lock = Some(lock);
        self
    }

    fn where_clause(&self, binder: &mut Binder<'_>) -> Result<Option<Expr>> {
        self.filter
            .as_ref()
            .map(|filter| binder.expr(&filter.node))
            .transpose()
    }

    fn build_select(&self, queries: &QueryComponents) -> Result<Built> {
        let table = M::TABLE;
        let mut binder = Binder {
            queries,
            table: M::TABLE.name,
            values: Vec::new(),
        };
        let mut select = Query::select();
        select
            .columns(table.columns.iter().map(|column| column.name))
            .from(table.name);
        if let Some(condition) = self.where_clause(&mut binder)? {
            select.and_where(condition);
        }
        for sort in &self.sorts {
            let order = if sort.descending {
                Order::Desc
            } else {
                Order::Asc
            };
            order_nulls_as_postgresql(&mut select, queries, table.columns, sort.column, order);
        }
        for key in table.primary_key {
            if !self.sorts.iter().any(|sort| sort.column == *key) {
                select.order_by(*key, Order::Asc);
            }
        }
        if let Some(limit) = self.limit {
            select.limit(limit);
        }
        if let Some(offset) = self.offset {
            if self.limit.is_none() {
                // SQLite's grammar has no OFFSET without LIMIT; -1 is its "no limit", and
                // PostgreSQL's LIMIT ALL is the same.
                select.limit(i64::MAX as u64);
            }
            select.offset(offset);
        }
        let mut built = binder.finish(select.build(PostgresQueryBuilder))?;
        if let Some(lock) = self.lock {
            let clause = fragment(
                queries,
                &ForUpdate {
                    skip_locked: Some(lock == Lock::SkipLocked),
                    nowait: Some(lock == Lock::NoWait),
                },
            )?;
            if clause.is_empty() {
                built.lock_is_the_transactions = true;
            } else {
                built.sql.push(' ');
                built.sql.push_str(&clause);
            }
        }
        Ok(built)
    }

    fn build_count(&self, queries: &QueryComponents, by: Option<&'static str>) -> Result<Built> {
        let mut binder = Binder {
            queries,
            table: M::TABLE.name,
            values: Vec::new(),
        };
        let mut select = Query::select();
        if let Some(column) = by {
            select.column(column);
        }
        select
            .expr_as(Expr::cust("count(*)"), "count")
            .from(M::TABLE.name);
        if let Some(condition) = self.where_clause(&mut binder)? {
            select.and_where(condition);
        }
        if let Some(column) = by {
            select.group_by_col(column);
            order_nulls_as_postgresql(&mut select, queries, M::TABLE.columns, column, Order::Asc);
        }
        binder.finish(select.build(PostgresQueryBuilder))
    }

    fn unlocked(&self, how: &str) -> Result<()> {
        if self.lock.is_some() {
            return Err(Error::InvalidArgument {
                operation: "select",
                argument: "for_update",
                reason: format!(
                    "locks rows until a transaction ends, and {how} runs outside one; read with fetch_in inside a transaction"
                ),
            });
        }
        Ok(())
    }

    /// The rows, read in autocommit.
    pub async fn fetch(&self, db: &DbInterface) -> Result<Vec<M>> {
        self.unlocked("fetch")?;
        let built = self.build_select(db.queries())?;
        let rows = db
            .session()
            .await?
            .fetch_all(&built.sql, built.params)
            .await?;
        rows.iter().map(|row| M::from_row(&row)).collect()
    }

    /// The rows, read in `transaction` (and locked there, with [`for_update`](Self::for_update)).
    pub async fn fetch_in(
        &self,
        db: &DbInterface,
        transaction: &mut Transaction,
    ) -> Result<Vec<M>> {
        let built = self.build_select(db.queries())?;
        if built.lock_is_the_transactions && !transaction.with_for_update() {
            return Err(Error::InvalidArgument {
                operation: "select",
                argument: "for_update",
                reason: "on this dialect a locked read is the transaction's write lock, which a transaction begun without with_for_update does not hold; begin it with begin_transaction(true)".into(),
            });
        }
        let rows = transaction.fetch_all(&built.sql, built.params).await?;
        rows.iter().map(|row| M::from_row(&row)).collect()
    }

    /// How many rows the filter holds for (sorts, paging and locks play no part).
    pub async fn count(&self, db: &DbInterface) -> Result<u64> {
        let built = self.build_count(db.queries(), None)?;
        let rows = db
            .session()
            .await?
            .fetch_all(&built.sql, built.params)
            .await?;
        let count: i64 = rows
            .row(0)
            .ok_or_else(|| internal("count returned no row".into()))?
            .get("count")?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// How many rows the filter holds for, by value of `column`, like Prefect's
    /// `count_flow_runs_by_state`: one pair per value present, sorted by the column (NULL
    /// last; an enum by declaration on PostgreSQL and by name on SQLite).
    pub async fn count_by<T: FromValue>(
        &self,
        column: Column<M, T>,
        db: &DbInterface,
    ) -> Result<Vec<(T, u64)>> {
        let built = self.build_count(db.queries(), Some(column.name))?;
        let rows = db
            .session()
            .await?
            .fetch_all(&built.sql, built.params)
            .await?;
        rows.iter()
            .map(|row| {
                let count: i64 = row.get("count")?;
                Ok((row.get(column.name)?, u64::try_from(count).unwrap_or(0)))
            })
            .collect()
    }

    /// The SQL and parameters [`fetch`](Self::fetch) runs on `db`'s dialect (for logs and
    /// `EXPLAIN`).
    pub fn to_sql(&self, db: &DbInterface) -> Result<(String, Vec<Value>)> {
        let built = self.build_select(db.queries())?;
        Ok((built.sql, built.params))
    }
}

/// Sorts by `column` with NULLs last ascending and first descending (PostgreSQL's default), on
/// every dialect: spelled `NULLS LAST`/`NULLS FIRST` where the dialect accepts it, else as a
/// sort on `column IS NULL` first (MySQL, whose NULLs sort first ascending), which a column
/// that holds no NULLs does without.
fn order_nulls_as_postgresql(
    select: &mut sea_query::SelectStatement,
    queries: &QueryComponents,
    columns: &[crate::models::ColumnMeta],
    column: &'static str,
    order: Order,
) {
    let nulls = if matches!(order, Order::Desc) {
        NullOrdering::First
    } else {
        NullOrdering::Last
    };
    if queries.nulls_ordering() {
        select.order_by_with_nulls(column, order, nulls);
        return;
    }
    let nullable = columns
        .iter()
        .find(|meta| meta.name == column)
        .is_none_or(|meta| meta.nullable);
    if nullable {
        select.order_by_expr(Expr::col(column).is_null(), order.clone());
    }
    select.order_by(column, order);
}
