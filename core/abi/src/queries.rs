//! Tier 2, query components: the dialect-specific SQL of Prefect's `query_components.py`.
//!
//! A component is named (Prefect's names where Prefect has the component), takes typed, named
//! arguments ([`NamedValue`]) and renders into a [`UnitOfWork`]: the statements to run, in the
//! dialect's own SQL, with their parameters bound. The host lists what a plugin has with
//! [`QueryComponents::components`]; [`crate::catalogue`] describes the standard components every
//! first-party dialect has, so hosts and plugins agree on names and arguments.
//!
//! # Placeholders
//! Across the boundary, every statement numbers its placeholders PostgreSQL's way: `$1`, `$2`, …
//! with `$n` standing for `params[n - 1]`; a number may appear more than once. A plugin whose
//! driver wants another style (`?`, `:name`) translates when it prepares the statement. The
//! host's own SQL (models, migrations bookkeeping) follows the same rule.

use abi_stable::StableAbi;
use abi_stable::sabi_trait;
use abi_stable::std_types::{RBox, RStr, RString, RVec};

use crate::config::UnitOfWork;
use crate::error::PluginResult;
use crate::value::{NamedValue, ValueKind};

/// The [`ConnectOptions::extra`](crate::ConnectOptions) key that carries the directory whose
/// `*.sql.jinja` files override the plugin's SQL templates.
///
/// # Since
/// ABI 0.2.
pub const TEMPLATE_DIR_OPTION: &str = "sql_template_dir";

/// What rendering a component gives, and how the host runs it: an integer newtype open to
/// growth.
///
/// # Since
/// ABI 0.2.
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ComponentKind(pub u8);

impl ComponentKind {
    /// One statement that returns rows; run it with `fetch_all`.
    pub const QUERY: Self = Self(0);
    /// Statements that change data; run them together with `run_unit_of_work`. The outcome of
    /// the last statement that returns rows is the component's result.
    pub const WRITE: Self = Self(1);
    /// A piece of SQL (an expression) for the host to embed in a statement of its own; its
    /// operands are SQL expressions the host writes, never user data.
    pub const FRAGMENT: Self = Self(2);
    /// One statement whose placeholders the caller binds itself (an `INSERT` with its
    /// `VALUES` rows); the component's documentation says in which order.
    pub const TEMPLATE: Self = Self(3);

    /// A short lowercase name for messages and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::QUERY => "query",
            Self::WRITE => "write",
            Self::FRAGMENT => "fragment",
            Self::TEMPLATE => "template",
            _ => "unknown",
        }
    }
}

/// One argument a component takes.
///
/// # Since
/// ABI 0.2.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ParameterInfo {
    /// Its name, Prefect's where Prefect has one (`scheduled_before`).
    pub name: RString,
    /// The kind of value it takes; a NULL is accepted for any optional argument.
    pub kind: ValueKind,
    /// Whether it must be given.
    pub required: bool,
    /// What it means, and its default when it is optional.
    pub description: RString,
}

/// A component a plugin has.
///
/// # Since
/// ABI 0.2.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ComponentInfo {
    /// Its name (`get_scheduled_flow_runs_from_work_pool`).
    pub name: RString,
    /// One line on what it does.
    pub description: RString,
    /// What rendering it gives.
    pub kind: ComponentKind,
    /// The arguments it takes.
    pub parameters: RVec<ParameterInfo>,
}

/// The dialect's SQL building blocks (upserts, JSON helpers, intervals, work-queue polling…).
///
/// # Since
/// ABI 0.2 (ABI 0.1 had only `unique_key` and a `render` that took JSON).
#[sabi_trait]
pub trait QueryComponents: Send + Sync {
    /// Identifies this set of components; part of the interface's cache key, as in Prefect.
    fn unique_key(&self) -> RString;

    /// Every component this dialect has.
    fn components(&self) -> RVec<ComponentInfo>;

    /// The dialect's properties, by name: `uses_json_strings` (bool),
    /// `max_bind_parameters` (integer), and any a later catalogue adds.
    fn properties(&self) -> RVec<NamedValue>;

    /// Renders the named component with its arguments.
    ///
    /// Errors: a component the plugin does not have is [`ErrorKind::UNSUPPORTED`] naming it
    /// and listing the ones it has; a missing argument, an unknown one or one of the wrong
    /// kind is [`ErrorKind::INVALID_ARGUMENT`] naming the component and the argument.
    ///
    /// [`ErrorKind::UNSUPPORTED`]: crate::ErrorKind::UNSUPPORTED
    /// [`ErrorKind::INVALID_ARGUMENT`]: crate::ErrorKind::INVALID_ARGUMENT
    #[sabi(last_prefix_field)]
    fn render(&self, component: RStr<'_>, arguments: RVec<NamedValue>) -> PluginResult<UnitOfWork>;
}

/// An owned set of query components behind the ABI.
pub type QueryComponentsBox = QueryComponents_TO<'static, RBox<()>>;
