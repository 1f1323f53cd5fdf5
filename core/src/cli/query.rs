//! `flowdb query …`: the dialect's query components, the SQL they render and what it returns.

use std::process::ExitCode;

use clap::Subcommand;
use flowdb::plugin::PluginRegistry;
use flowdb::queries::Rendered;
use flowdb::queries::json_args::{arguments_from_json, component_rows_to_json, value_to_json};
use flowdb::{ComponentKind, DbInterface, Statement};
use serde_json::json;

use crate::cli::database::config;
use crate::cli::{CliError, JSON_SCHEMA_VERSION};

#[derive(Debug, Subcommand)]
pub(crate) enum QueryCommand {
    /// List the dialect's query components: name, kind, arguments, and its properties.
    List {
        /// Use this URL's dialect instead of the configured one.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Show the SQL and bound values a component renders to on this dialect.
    Render {
        /// The component (`flowdb query list` names them).
        name: String,
        /// Its arguments, a JSON object (`{"limit": 100, "work_pool_ids": ["…"]}`).
        #[arg(long, default_value = "{}")]
        args: String,
        /// Use this URL's dialect instead of the configured one.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Run a component against the database and print the rows it returns.
    Run {
        /// The component (`flowdb query list` names them).
        name: String,
        /// Its arguments, a JSON object.
        #[arg(long, default_value = "{}")]
        args: String,
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) async fn run(
    command: QueryCommand,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    match command {
        QueryCommand::List { url, json } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            list(&interface, json)
        }
        QueryCommand::Render {
            name,
            args,
            url,
            json,
        } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let rendered = render(&interface, &name, &args)?;
            if json {
                let document = json!({
                    "schema_version": JSON_SCHEMA_VERSION,
                    "kind": "query-render",
                    "dialect": interface.dialect(),
                    "component": name,
                    "with_for_update": rendered.with_for_update,
                    "statements": rendered.statements.iter().map(statement_json).collect::<Vec<_>>(),
                });
                outln!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                print_rendered(&rendered);
            }
            Ok(ExitCode::SUCCESS)
        }
        QueryCommand::Run {
            name,
            args,
            url,
            json,
        } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let kind = component_kind(&interface, &name)?;
            let rendered = render(&interface, &name, &args)?;
            let database = interface.database().await?;
            let (rows, affected) = match kind {
                ComponentKind::TEMPLATE => {
                    return Err(CliError {
                        code: 2,
                        message: format!(
                            "`{name}` renders a statement whose values the caller binds; `flowdb query render {name}` shows it"
                        ),
                    }
                    .into());
                }
                ComponentKind::FRAGMENT => {
                    let mut statement = rendered.into_statement()?;
                    statement.sql = format!("SELECT {} AS value", statement.sql);
                    (
                        database.fetch_all(&statement.sql, statement.params).await?,
                        None,
                    )
                }
                ComponentKind::WRITE => {
                    let outcomes = database.run_statements(rendered.statements, true).await?;
                    let affected: Vec<u64> = outcomes.iter().map(|o| o.rows_affected).collect();
                    let rows = outcomes
                        .into_iter()
                        .rev()
                        .find(|outcome| outcome.rows.columns().next().is_some())
                        .map(|outcome| outcome.rows)
                        .unwrap_or_else(flowdb::value::Rows::empty);
                    (rows, Some(affected))
                }
                _ => (database.run_rendered(rendered).await?, None),
            };
            let objects = component_rows_to_json(&name, &rows);
            if json {
                let document = json!({
                    "schema_version": JSON_SCHEMA_VERSION,
                    "kind": "query-run",
                    "dialect": interface.dialect(),
                    "component": name,
                    "columns": rows.columns().collect::<Vec<_>>(),
                    "rows": objects,
                    "rows_affected": affected,
                });
                outln!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                for object in &objects {
                    outln!("{object}");
                }
                match affected {
                    Some(affected) => outln!(
                        "({} rows; rows affected per statement: {affected:?})",
                        objects.len()
                    ),
                    None => outln!("({} rows)", objects.len()),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn component_kind(interface: &DbInterface, name: &str) -> anyhow::Result<ComponentKind> {
    match interface.queries().component(name) {
        Some(info) => Ok(info.kind),
        None => Err(unknown(interface, name).into()),
    }
}

fn unknown(interface: &DbInterface, name: &str) -> flowdb::Error {
    let known: Vec<String> = interface
        .queries()
        .components()
        .map(|info| info.name.to_string())
        .collect();
    flowdb::Error::Unsupported {
        plugin: format!("{} plugin", interface.dialect()),
        what: format!(
            "the query component `{name}` (this dialect has: {})",
            known.join(", ")
        ),
    }
}

fn render(interface: &DbInterface, name: &str, args: &str) -> anyhow::Result<Rendered> {
    let info = interface
        .queries()
        .component(name)
        .ok_or_else(|| unknown(interface, name))?;
    let json: serde_json::Value = serde_json::from_str(args).map_err(|err| CliError {
        code: 2,
        message: format!("--args is not valid JSON: {err}"),
    })?;
    let arguments =
        arguments_from_json(info, &json).map_err(|message| CliError { code: 2, message })?;
    Ok(interface.queries().render(name, arguments)?)
}

fn statement_json(statement: &Statement) -> serde_json::Value {
    json!({
        "sql": statement.sql,
        "params": statement.params.iter().map(value_to_json).collect::<Vec<_>>(),
    })
}

fn print_rendered(rendered: &Rendered) {
    let count = rendered.statements.len();
    for (index, statement) in rendered.statements.iter().enumerate() {
        if count > 1 {
            outln!("-- statement {} of {count}", index + 1);
        }
        outln!("{}", statement.sql.trim());
        for (position, param) in statement.params.iter().enumerate() {
            outln!("--   ${} = {}", position + 1, value_to_json(param));
        }
    }
    if rendered.with_for_update {
        outln!("-- runs in a with_for_update transaction");
    }
}

fn list(interface: &DbInterface, json: bool) -> anyhow::Result<ExitCode> {
    let queries = interface.queries();
    if json {
        let components: Vec<serde_json::Value> = queries
            .components()
            .map(|info| {
                json!({
                    "name": info.name.as_str(),
                    "kind": info.kind.name(),
                    "description": info.description.as_str(),
                    "parameters": info.parameters.iter().map(|parameter| json!({
                        "name": parameter.name.as_str(),
                        "kind": parameter.kind.name(),
                        "required": parameter.required,
                        "description": parameter.description.as_str(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let properties: serde_json::Map<String, serde_json::Value> = queries
            .properties()
            .iter()
            .map(|(name, value)| (name.clone(), value_to_json(value)))
            .collect();
        let document = json!({
            "schema_version": JSON_SCHEMA_VERSION,
            "kind": "query-list",
            "dialect": interface.dialect(),
            "unique_key": queries.unique_key(),
            "properties": properties,
            "components": components,
        });
        outln!("{}", serde_json::to_string_pretty(&document)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("dialect {} ({})", interface.dialect(), queries.unique_key());
    for (name, value) in queries.properties() {
        outln!("  property {name} = {}", value_to_json(value));
    }
    for info in queries.components() {
        outln!(
            "{:<46} {:<8} {}",
            info.name.as_str(),
            info.kind.name(),
            info.description
        );
        for parameter in &info.parameters {
            outln!(
                "    {}{} ({}): {}",
                parameter.name,
                if parameter.required { "" } else { "?" },
                parameter.kind.name(),
                parameter.description
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
