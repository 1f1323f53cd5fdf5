//! Tier 2, query components, as the dialect plugin provides them.
//!
//! A component is named, takes typed arguments and renders into statements in the dialect's
//! SQL ([`Rendered`]). Hosts use the typed form: one struct per standard component in
//! [`components`] (`GetScheduledFlowRunsFromWorkPool { limit: Some(100), .. }`), rendered with
//! [`QueryComponents::render_typed`], so no host writes a component's name or argument keys.
//! [`QueryComponents::render`] takes them by name, for tools such as `flowdb query`.

pub mod components;
mod configuration_cache;
pub mod json_args;

use std::collections::BTreeMap;

use abi_stable::std_types::{RResult, RStr, RVec};
use flowdb_abi::{ComponentInfo, NamedValue, QueryComponentsBox, UnitOfWork, ValueNE};

use crate::config::Statement;
use crate::error::{Error, Result};
use crate::value::Value;

pub use self::components::Component;
pub(crate) use self::configuration_cache::ConfigurationCache;

/// What a component rendered: the statements to run, in order, and whether they need the
/// write lock up front (a `with_for_update` transaction).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The statements, with `$n` placeholders and their parameters bound.
    pub statements: Vec<Statement>,
    /// Run them in a `with_for_update` transaction.
    pub with_for_update: bool,
}

impl Rendered {
    /// The only statement, for a component that renders one (a query, a fragment).
    pub fn into_statement(self) -> Result<Statement> {
        let count = self.statements.len();
        let mut statements = self.statements;
        match (statements.pop(), count) {
            (Some(statement), 1) => Ok(statement),
            _ => Err(Error::Unsupported {
                plugin: "query components".into(),
                what: format!("a single statement from a component that rendered {count}"),
            }),
        }
    }
}

/// The dialect's query components.
pub struct QueryComponents {
    inner: QueryComponentsBox,
    plugin: String,
    components: BTreeMap<String, ComponentInfo>,
    properties: BTreeMap<String, Value>,
    configuration: ConfigurationCache,
}

impl std::fmt::Debug for QueryComponents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryComponents")
            .field("unique_key", &self.unique_key())
            .field("components", &self.components.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl QueryComponents {
    pub(crate) fn new(inner: QueryComponentsBox, plugin: &str) -> QueryComponents {
        let components = inner
            .components()
            .into_iter()
            .map(|info| (info.name.to_string(), info))
            .collect();
        let properties = inner
            .properties()
            .into_iter()
            .filter_map(|property| {
                // A property of a kind this host does not know is one it cannot use either.
                let value = property.value.as_enum().ok()?.clone();
                Some((property.name.into_string(), value))
            })
            .collect();
        QueryComponents {
            inner,
            plugin: plugin.to_owned(),
            components,
            properties,
            configuration: ConfigurationCache::default(),
        }
    }

    /// The query components `plugin` gives an interface configured by `config` (its SQL
    /// template overrides, if any, applied): what `flowdb plugins info` lists without opening a
    /// database.
    pub fn of(
        plugin: &crate::plugin::LoadedPlugin,
        config: &crate::DatabaseConfig,
    ) -> Result<QueryComponents> {
        match (plugin.module().query_components())(config.connect_options()) {
            RResult::ROk(queries) => Ok(QueryComponents::new(queries, plugin.name())),
            RResult::RErr(err) => Err(Error::plugin(plugin.name(), err)),
        }
    }

    /// Identifies the component set; part of the interface's cache key.
    pub fn unique_key(&self) -> String {
        self.inner.unique_key().into_string()
    }

    /// Every component the dialect has, by name.
    pub fn components(&self) -> impl Iterator<Item = &ComponentInfo> {
        self.components.values()
    }

    /// The component named `name`.
    pub fn component(&self, name: &str) -> Option<&ComponentInfo> {
        self.components.get(name)
    }

    /// The dialect's properties, by name (`uses_json_strings`, `max_bind_parameters`).
    pub fn properties(&self) -> &BTreeMap<String, Value> {
        &self.properties
    }

    /// Whether aggregated JSON comes back as text (Prefect's `uses_json_strings`).
    pub fn uses_json_strings(&self) -> bool {
        matches!(
            self.properties
                .get(flowdb_abi::catalogue::USES_JSON_STRINGS),
            Some(Value::Bool(true))
        )
    }

    /// Whether `ORDER BY` accepts `NULLS FIRST` / `NULLS LAST`; true when the plugin does not
    /// say (every dialect before contract 0.2.2 did).
    pub fn nulls_ordering(&self) -> bool {
        !matches!(
            self.properties.get(flowdb_abi::catalogue::NULLS_ORDERING),
            Some(Value::Bool(false))
        )
    }

    /// Whether independent writes may insert rows that reference each other in any order;
    /// true when the plugin does not say (every dialect before contract 0.2.2 did).
    pub fn deferred_foreign_keys(&self) -> bool {
        !matches!(
            self.properties
                .get(flowdb_abi::catalogue::DEFERRED_FOREIGN_KEYS),
            Some(Value::Bool(false))
        )
    }

    /// The most bind parameters one statement may carry (Prefect's
    /// `get_max_query_parameters`); 999, SQLite's, when the plugin does not say.
    pub fn max_bind_parameters(&self) -> usize {
        match self
            .properties
            .get(flowdb_abi::catalogue::MAX_BIND_PARAMETERS)
        {
            Some(Value::Int64(count)) if *count > 0 => usize::try_from(*count).unwrap_or(999),
            _ => 999,
        }
    }

    pub(crate) fn configuration_cache(&self) -> &ConfigurationCache {
        &self.configuration
    }

    /// Renders the component `name` with arguments given by name.
    ///
    /// A component the dialect lacks is [`ErrorKind::UNSUPPORTED`](crate::ErrorKind) naming it
    /// and listing the ones it has; a missing, unknown or mistyped argument is
    /// [`ErrorKind::INVALID_ARGUMENT`](crate::ErrorKind) naming the component and the argument.
    pub fn render<N: Into<String>>(
        &self,
        name: &str,
        arguments: impl IntoIterator<Item = (N, Value)>,
    ) -> Result<Rendered> {
        let arguments: RVec<NamedValue> = arguments
            .into_iter()
            .map(|(argument, value)| NamedValue {
                name: argument.into().into(),
                value: ValueNE::new(value),
            })
            .collect();
        match self.inner.render(RStr::from_str(name), arguments) {
            RResult::ROk(work) => self.rendered(name, work),
            RResult::RErr(err) => Err(Error::plugin(&self.plugin, err)),
        }
    }

    /// Renders a standard component from its typed arguments.
    pub fn render_typed<C: Component>(&self, component: &C) -> Result<Rendered> {
        self.render(C::SPEC.name, component.arguments())
    }

    fn rendered(&self, component: &str, work: UnitOfWork) -> Result<Rendered> {
        let mut statements = Vec::with_capacity(work.statements.len());
        for (index, statement) in work.statements.into_iter().enumerate() {
            let mut params = Vec::with_capacity(statement.params.len());
            for (position, param) in statement.params.iter().enumerate() {
                // A value this host cannot read is an error, never dropped: dropping it would
                // shift every later placeholder onto the wrong value.
                let value = param.as_enum().map_err(|_| Error::Conversion {
                    column: format!(
                        "{component}: statement {} parameter ${}",
                        index + 1,
                        position + 1
                    ),
                    reason: format!(
                        "the {} plugin sent a kind of value this flowdb does not know; upgrade flowdb",
                        self.plugin
                    ),
                })?;
                params.push(value.clone());
            }
            statements.push(Statement {
                sql: statement.sql.into_string(),
                params,
            });
        }
        Ok(Rendered {
            statements,
            with_for_update: work.with_for_update,
        })
    }
}
