//! The flow run graph (Prefect's `flow_run_graph_v2` and its `Graph` schema).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::models::StateType;
use crate::queries::components::{
    FlowRunGraphV2, FlowRunGraphV2Artifacts, FlowRunGraphV2Bounds, FlowRunGraphV2States,
};
use crate::value::{Json, Row};

/// An edge to another node.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GraphEdge {
    /// The other node.
    pub id: Uuid,
}

/// An artifact on the graph.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphArtifact {
    /// Its id.
    pub id: Uuid,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// Its key.
    pub key: Option<String>,
    /// Its type.
    #[serde(rename = "type")]
    pub type_: Option<String>,
    /// Whether it is its collection's latest (or has no key).
    pub is_latest: bool,
    /// Its data, for `progress` artifacts only.
    pub data: Option<serde_json::Value>,
}

/// A state of the graph's flow run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphState {
    /// Its id.
    pub id: Uuid,
    /// When.
    pub timestamp: DateTime<Utc>,
    /// Its type.
    #[serde(rename = "type")]
    pub type_: StateType,
    /// Its name.
    pub name: String,
}

/// A node: a task run, or a subflow run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphNode {
    /// `flow-run` or `task-run`.
    pub kind: String,
    /// The run.
    pub id: Uuid,
    /// The task's name, or `flow name / flow run name`.
    pub label: String,
    /// Its state type.
    pub state_type: StateType,
    /// When it started (or is expected to).
    pub start_time: DateTime<Utc>,
    /// When it ended.
    pub end_time: Option<DateTime<Utc>>,
    /// The nodes it takes inputs from.
    pub parents: Vec<GraphEdge>,
    /// The nodes that take inputs from it.
    pub children: Vec<GraphEdge>,
    /// The nodes that wrap it.
    pub encapsulating: Vec<GraphEdge>,
    /// Its artifacts.
    pub artifacts: Vec<GraphArtifact>,
}

/// A flow run's graph (Prefect's `Graph`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Graph {
    /// The run's start (or expected start).
    pub start_time: Option<DateTime<Utc>>,
    /// The run's end.
    pub end_time: Option<DateTime<Utc>>,
    /// The nodes without parents.
    pub root_node_ids: Vec<Uuid>,
    /// Every node, by id, in the query's order (start time, end time).
    pub nodes: Vec<(Uuid, GraphNode)>,
    /// The run's own artifacts (not a task's).
    pub artifacts: Vec<GraphArtifact>,
    /// The run's states, oldest first.
    pub states: Vec<GraphState>,
}

/// A JSON array of UUID texts (SQLite's `json_group_array`, PostgreSQL's `to_jsonb(uuid[])`).
fn id_list(row: &Row<'_>, column: &str) -> Result<Vec<Uuid>> {
    let Some(Json(value)) = row.get::<Option<Json>>(column)? else {
        return Ok(Vec::new());
    };
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => return Ok(Vec::new()),
        other => {
            return Err(Error::Conversion {
                column: column.to_owned(),
                reason: format!("expected a JSON array of ids, got {other}"),
            });
        }
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .and_then(|text| Uuid::parse_str(text).ok())
                .ok_or_else(|| Error::Conversion {
                    column: column.to_owned(),
                    reason: format!("`{item}` is not a UUID"),
                })
        })
        .collect()
}

fn edges(ids: Vec<Uuid>) -> Vec<GraphEdge> {
    ids.into_iter().map(|id| GraphEdge { id }).collect()
}

impl DbInterface {
    /// The graph of a flow run (Prefect's `flow_run_graph_v2`): its task runs and subflow runs
    /// still running or ended at or after `since`, with their input edges, artifacts (at most
    /// `max_artifacts`) and the run's states. More than `max_nodes` nodes is
    /// [`Error::FlowRunGraphTooLarge`]; a run that does not exist is
    /// [`Error::FlowRunNotFound`]. The four queries run in one unit of work.
    pub async fn flow_run_graph(
        &self,
        flow_run_id: Uuid,
        since: DateTime<Utc>,
        max_nodes: i64,
        max_artifacts: i64,
    ) -> Result<Graph> {
        for (argument, value) in [("max_nodes", max_nodes), ("max_artifacts", max_artifacts)] {
            if value < 0 {
                return Err(Error::InvalidArgument {
                    operation: "flow_run_graph",
                    argument,
                    reason: format!("must not be negative, got {value}"),
                });
            }
        }
        let queries = self.queries();
        let mut statements = Vec::new();
        for rendered in [
            queries.render_typed(&FlowRunGraphV2Bounds { flow_run_id })?,
            queries.render_typed(&FlowRunGraphV2 {
                flow_run_id,
                since,
                max_nodes: max_nodes.saturating_add(1),
            })?,
            queries.render_typed(&FlowRunGraphV2Artifacts {
                flow_run_id,
                max_artifacts,
            })?,
            queries.render_typed(&FlowRunGraphV2States { flow_run_id })?,
        ] {
            statements.push(rendered.into_statement()?);
        }
        let outcomes = self
            .database()
            .await?
            .run_statements(statements, false)
            .await?;
        let [bounds, nodes, artifacts, states] =
            <[_; 4]>::try_from(outcomes).map_err(|_| Error::Conversion {
                column: "flow_run_graph".into(),
                reason: "the plugin returned another number of results than statements".into(),
            })?;
        let bounds = bounds.rows;
        let Some(bounds_row) = bounds.row(0) else {
            return Err(Error::FlowRunNotFound { id: flow_run_id });
        };
        let mut by_task: HashMap<Option<Uuid>, Vec<GraphArtifact>> = HashMap::new();
        for row in artifacts.rows.iter() {
            let type_: Option<String> = row.get("type")?;
            let data = if type_.as_deref() == Some("progress") {
                row.get::<Option<Json>>("data")?
                    .map(|json| progress_as_float(json.0))
            } else {
                None
            };
            by_task
                .entry(row.get("task_run_id")?)
                .or_default()
                .push(GraphArtifact {
                    id: row.get("id")?,
                    created: row.get("created")?,
                    key: row.get("key")?,
                    type_,
                    is_latest: row.get::<i64>("is_latest")? == 1,
                    data,
                });
        }
        let mut graph_nodes = Vec::new();
        let mut root_node_ids = Vec::new();
        for row in nodes.rows.iter() {
            let id: Uuid = row.get("id")?;
            let parents = id_list(&row, "parent_ids")?;
            if parents.is_empty() {
                root_node_ids.push(id);
            }
            let mut encapsulating = id_list(&row, "encapsulating_ids")?;
            let mut seen = std::collections::HashSet::new();
            encapsulating.retain(|id| seen.insert(*id));
            graph_nodes.push((
                id,
                GraphNode {
                    kind: row.get("kind")?,
                    id,
                    label: row.get("label")?,
                    state_type: row.get("state_type")?,
                    start_time: row.get("start_time")?,
                    end_time: row.get("end_time")?,
                    parents: edges(parents),
                    children: edges(id_list(&row, "child_ids")?),
                    encapsulating: edges(encapsulating),
                    artifacts: by_task.get(&Some(id)).cloned().unwrap_or_default(),
                },
            ));
            if graph_nodes.len() as i64 > max_nodes {
                return Err(Error::FlowRunGraphTooLarge {
                    flow_run_id,
                    max_nodes,
                });
            }
        }
        let states = states
            .rows
            .iter()
            .map(|row| {
                Ok(GraphState {
                    id: row.get("id")?,
                    timestamp: row.get("timestamp")?,
                    type_: row.get("type")?,
                    name: row.get("name")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Graph {
            start_time: bounds_row.get("start_time")?,
            end_time: bounds_row.get("end_time")?,
            root_node_ids,
            nodes: graph_nodes,
            artifacts: by_task.remove(&None).unwrap_or_default(),
            states,
        })
    }
}

/// A progress artifact's data is a float (Prefect's `ProgressArtifact.progress`). SQLite keeps a
/// `JSON` column's `50.0` as the integer 50 (NUMERIC affinity), so it is made a float again and
/// both dialects answer the same document.
fn progress_as_float(data: serde_json::Value) -> serde_json::Value {
    match &data {
        serde_json::Value::Number(number) if !number.is_f64() => number
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(data, serde_json::Value::Number),
        _ => data,
    }
}
