//! [`DbInterface`]: one per configuration, the facade over the three tiers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use abi_stable::std_types::RResult;
use tokio::sync::OnceCell;

use crate::config::{Database, DatabaseConfig, Session};
use crate::error::{Error, Result};
use crate::orm::OrmConfiguration;
use crate::plugin::{LoadedPlugin, PluginRegistry};
use crate::queries::QueryComponents;
use crate::url::{UrlScheme, parse_scheme};

/// The database layer for one configuration: its plugin, pool, sessions and the dialect's
/// query components and ORM configuration.
///
/// Interfaces are cached: building one for a configuration equal to an earlier one (served by
/// the same plugin, with the same tier keys) returns the same instance, as Prefect's
/// `DBSingleton` does — but keyed on the whole configuration, not only the URL, so two
/// configurations that differ in a timeout do not silently share one.
pub struct DbInterface {
    config: DatabaseConfig,
    scheme: UrlScheme,
    plugin: Arc<LoadedPlugin>,
    queries: QueryComponents,
    orm: OrmConfiguration,
    database: OnceCell<Arc<Database>>,
}

impl std::fmt::Debug for DbInterface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbInterface")
            .field("url", &self.config.redacted_url())
            .field("plugin", &self.plugin.name())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct InterfaceKey {
    config: DatabaseConfig,
    code: String,
    queries: String,
    orm: String,
}

fn interfaces() -> &'static Mutex<HashMap<InterfaceKey, Arc<DbInterface>>> {
    static INTERFACES: OnceLock<Mutex<HashMap<InterfaceKey, Arc<DbInterface>>>> = OnceLock::new();
    INTERFACES.get_or_init(Default::default)
}

impl DbInterface {
    /// The interface for `config`, its plugin found on the standard search path.
    pub fn new(config: DatabaseConfig) -> Result<Arc<DbInterface>> {
        Self::with_registry(config, PluginRegistry::global())
    }

    /// The interface for `config`, its plugin found in `registry`.
    pub fn with_registry(
        config: DatabaseConfig,
        registry: &PluginRegistry,
    ) -> Result<Arc<DbInterface>> {
        let scheme = parse_scheme(config.url())?;
        let plugin = registry.resolve(&scheme.dialect)?;
        let interface = Self::uncached(config, plugin)?;
        let key = InterfaceKey {
            config: interface.config.clone(),
            code: interface.plugin.location(),
            queries: interface.queries.unique_key(),
            orm: interface.orm.unique_key(),
        };
        let mut cache = interfaces()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(Arc::clone(
            cache.entry(key).or_insert_with(|| Arc::new(interface)),
        ))
    }

    /// An interface outside the cache, served by `plugin`: for a short-lived database such as
    /// the scratch database of a schema check, which must not outlive its use in the cache.
    pub(crate) fn uncached(
        config: DatabaseConfig,
        plugin: Arc<LoadedPlugin>,
    ) -> Result<DbInterface> {
        let scheme = parse_scheme(config.url())?;
        let module = plugin.module();
        let queries = QueryComponents::of(&plugin, &config)?;
        let orm = match (module.orm_configuration())() {
            RResult::ROk(orm) => OrmConfiguration::new(orm),
            RResult::RErr(err) => return Err(Error::plugin(plugin.name(), err)),
        };
        Ok(DbInterface {
            config,
            scheme,
            plugin,
            queries,
            orm,
            database: OnceCell::new(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &DatabaseConfig {
        &self.config
    }

    /// The dialect, from the URL's scheme (`postgresql`, `sqlite`).
    pub fn dialect(&self) -> &str {
        self.plugin.name()
    }

    /// The URL's scheme, with the `+driver` part if it had one.
    pub fn scheme(&self) -> &UrlScheme {
        &self.scheme
    }

    /// The plugin serving this interface.
    pub fn plugin(&self) -> &Arc<LoadedPlugin> {
        &self.plugin
    }

    /// Tier 2.
    pub fn queries(&self) -> &QueryComponents {
        &self.queries
    }

    /// Tier 3.
    pub fn orm(&self) -> &OrmConfiguration {
        &self.orm
    }

    /// Every model's table metadata (Prefect's model properties on the interface); the models
    /// themselves are the types in [`crate::models`].
    pub fn models(&self) -> Vec<&'static crate::models::TableMeta> {
        crate::models::all_models()
    }

    /// The open pool (Prefect's `engine()`), opened on first use.
    pub async fn database(&self) -> Result<Arc<Database>> {
        self.database
            .get_or_try_init(|| Database::open(Arc::clone(&self.plugin), &self.config))
            .await
            .map(Arc::clone)
    }

    /// A new session.
    pub async fn session(&self) -> Result<Session> {
        Ok(Session::new(self.database().await?))
    }

    /// Whether the database answers a round trip (Prefect's readiness check).
    pub async fn is_db_connectable(&self) -> bool {
        match self.database().await {
            Ok(database) => database.server_info().await.is_ok(),
            Err(_) => false,
        }
    }

    /// Creates the database the URL names (the SQLite file, the PostgreSQL database).
    pub async fn create_database(&self) -> Result<()> {
        let call = (self.plugin.module().create_database())(self.config.connect_options());
        crate::config::plugin_result(&self.plugin, call.await)
    }

    /// Closes the pool, if it was opened, and forgets this interface: building one for the
    /// same configuration afterwards opens a new pool. Queries through this instance (and
    /// sessions taken from it) fail from now on. Waits for connections in use to come back.
    ///
    /// On SQLite this is what folds the write-ahead log back into the database file: a process
    /// that exits with its connections open leaves its last writes only in `<file>-wal`.
    pub async fn close(self: &Arc<Self>) {
        interfaces()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .retain(|_, cached| !Arc::ptr_eq(cached, self));
        if let Some(database) = self.database.get() {
            database.close().await;
        }
    }

    /// Closes every interface built so far, as [`close`](DbInterface::close) does: what a host
    /// does as it shuts down.
    pub async fn close_all() {
        let open: Vec<Arc<DbInterface>> = interfaces()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .drain()
            .map(|(_, interface)| interface)
            .collect();
        for interface in open {
            if let Some(database) = interface.database.get() {
                database.close().await;
            }
        }
    }

    /// Drops the database the URL names. Its pool, if open, should be closed first.
    pub async fn drop_database(&self) -> Result<()> {
        if let Some(database) = self.database.get() {
            database.close().await;
        }
        let call = (self.plugin.module().drop_database())(self.config.connect_options());
        crate::config::plugin_result(&self.plugin, call.await)
    }
}
