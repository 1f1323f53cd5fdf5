//! Tier 2, query components: the dialect's SQL building blocks.
//!
//! A component has a name, typed arguments and a rendering: the [`UnitOfWork`] the host runs.
//! The standard components ([`abi::catalogue`](crate::abi::catalogue)) are written once, here,
//! in [`StandardQueries`], on top of the few expressions in which dialects differ
//! ([`SqlDialect`]); a plugin implements those, points at its SQL templates, and overrides a
//! whole component only where its dialect does better (PostgreSQL's `UPDATE … FROM`).
//!
//! Plugins that write their own components implement [`DialectQueries`] directly.

mod arguments;
mod flow_runs;
mod named;
mod standard;
mod templates;

use std::collections::BTreeMap;

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RStr, RString, RVec};

use crate::abi::{
    ComponentInfo, NamedValue, PluginResult, QueryComponents, QueryComponents_TO,
    QueryComponentsBox, Statement, UnitOfWork, Value,
};
use crate::error::{Error, ErrorKind, Result};
use crate::state::DialectState;
use crate::value::ValueExt;

pub use crate::abi::queries::TEMPLATE_DIR_OPTION;

pub use self::arguments::Arguments;
pub use self::flow_runs::{FlowRunSort, flow_run_filter, set_flow_run_state_single_statement};
pub use self::named::{NamedSql, shift_placeholders};
pub use self::standard::{SqlDialect, StandardQueries, single_write, template_dir};
pub use self::templates::{TemplateSource, Templates};

/// The dialect's query components.
///
/// Required: [`unique_key`](DialectQueries::unique_key). By default a dialect has no
/// components and no properties; [`StandardQueries`] gives it every standard one.
///
/// The SDK checks a call before [`render`](DialectQueries::render) sees it: a component not in
/// [`components`](DialectQueries::components) is refused as unsupported, and the arguments are
/// checked against its parameters ([`Arguments::check`]).
///
/// ```
/// use flowdb_plugin_sdk::prelude::*;
/// use flowdb_plugin_sdk::abi::catalogue;
/// use flowdb_plugin_sdk::queries::{Arguments, NamedSql};
///
/// struct MyQueries;
/// impl DialectQueries for MyQueries {
///     fn unique_key(&self) -> String { "my-dialect-queries".into() }
///     fn components(&self) -> Vec<ComponentInfo> {
///         vec![catalogue::READ_CONFIGURATION_VALUE.info()]
///     }
///     fn render(&self, component: &str, args: &Arguments) -> Result<UnitOfWork> {
///         let sql = NamedSql::compile("select value from configuration where key = :key").unwrap();
///         let statement = sql.bind(|name| args.get(name).cloned())?;
///         Ok(UnitOfWork { statements: vec![statement].into(), with_for_update: false, independent: false })
///     }
/// }
/// let spec = catalogue::READ_CONFIGURATION_VALUE.info();
/// let args = Arguments::check(&spec, vec![("key", Value::Text("k".into()))]).unwrap();
/// let work = MyQueries.render("read_configuration_value", &args).unwrap();
/// assert_eq!(work.statements[0].sql.as_str(), "select value from configuration where key = $1");
/// ```
pub trait DialectQueries: Send + Sync + 'static {
    /// Identifies this set of components; part of the host's interface cache key.
    fn unique_key(&self) -> String;

    /// Every component this dialect has.
    fn components(&self) -> Vec<ComponentInfo> {
        Vec::new()
    }

    /// The dialect's properties ([`abi::catalogue::USES_JSON_STRINGS`](crate::abi::catalogue::USES_JSON_STRINGS),
    /// [`abi::catalogue::MAX_BIND_PARAMETERS`](crate::abi::catalogue::MAX_BIND_PARAMETERS)).
    fn properties(&self) -> Vec<(String, Value)> {
        Vec::new()
    }

    /// Renders a component listed by [`components`](DialectQueries::components), with
    /// arguments already checked against its parameters.
    fn render(&self, component: &str, _arguments: &Arguments) -> Result<UnitOfWork> {
        Err(Error::new(
            ErrorKind::UNSUPPORTED,
            format!("query component `{component}` is not supported by this plugin"),
        ))
    }

    /// Statements to check against the database when a pool opens, each with where it came
    /// from: what an operator's template overrides render to, so that SQL the database rejects
    /// is refused at start, naming the file, rather than at its first use. The SDK runs each
    /// under `EXPLAIN`. The default has none.
    fn validation_statements(&self) -> Result<Vec<(String, Statement)>> {
        Ok(Vec::new())
    }
}

/// The default: a dialect with no query components.
pub(crate) struct NoQueryComponents {
    pub(crate) dialect: &'static str,
}

impl DialectQueries for NoQueryComponents {
    fn unique_key(&self) -> String {
        format!("{}-query-components", self.dialect)
    }
}

pub(crate) fn export_queries(
    state: &'static DialectState,
    queries: Box<dyn DialectQueries>,
) -> QueryComponentsBox {
    let dialect = state.name;
    let components = queries
        .components()
        .into_iter()
        .map(|info| (info.name.to_string(), info))
        .collect();
    QueryComponents_TO::from_value(
        ExportedQueries {
            queries,
            components,
            dialect,
            state,
        },
        TD_Opaque,
    )
}

struct ExportedQueries {
    queries: Box<dyn DialectQueries>,
    components: BTreeMap<String, ComponentInfo>,
    dialect: &'static str,
    state: &'static DialectState,
}

impl ExportedQueries {
    fn render_checked(&self, component: &str, arguments: RVec<NamedValue>) -> Result<UnitOfWork> {
        let info = self.components.get(component).ok_or_else(|| {
            let known: Vec<&str> = self.components.keys().map(String::as_str).collect();
            Error::new(
                ErrorKind::UNSUPPORTED,
                format!(
                    "the {} dialect has no query component `{component}`; it has: {}",
                    self.dialect,
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ),
            )
        })?;
        let arguments = Arguments::from_abi(info, arguments)?;
        self.queries.render(component, &arguments)
    }
}

impl QueryComponents for ExportedQueries {
    fn unique_key(&self) -> RString {
        crate::panic_guard::guard_sync(self.state, "query components unique_key", || {
            Ok(self.queries.unique_key())
        })
        .unwrap_or_default()
        .into()
    }

    fn components(&self) -> RVec<ComponentInfo> {
        self.components.values().cloned().collect()
    }

    fn properties(&self) -> RVec<NamedValue> {
        crate::panic_guard::guard_sync(self.state, "query components properties", || {
            Ok(self.queries.properties())
        })
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| NamedValue {
            name: name.into(),
            value: value.into_ne(),
        })
        .collect()
    }

    fn render(&self, component: RStr<'_>, arguments: RVec<NamedValue>) -> PluginResult<UnitOfWork> {
        crate::panic_guard::guard_sync(self.state, "query component render", || {
            self.render_checked(component.as_str(), arguments)
        })
        .into()
    }
}
