//! Prefect's enums, stored by name (PostgreSQL enum types, SQLite text).

use crate::models::column::{ColumnKind, ColumnValue};
use crate::value::{FromValue, Value};

macro_rules! prefect_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = concat!("`", $label, "`")]
                #[serde(rename = $label)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in Prefect's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name Prefect stores.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($label => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not a {}; expected one of {}",
                        stringify!($name),
                        [$($label),+].join(", ")
                    )),
                }
            }
        }

        impl FromValue for $name {
            fn from_value(value: &Value) -> Result<Self, String> {
                match value {
                    Value::Text(text) => text.parse(),
                    other => Err(format!("cannot read {other:?} as a {}", stringify!($name))),
                }
            }
        }

        impl crate::value::IntoValue for $name {
            fn into_value(self) -> Value {
                Value::Text(self.as_str().into())
            }
        }

        impl ColumnValue for $name {
            const KIND: ColumnKind = ColumnKind::Enum(&[$($label),+]);

            fn to_value(&self) -> Value {
                Value::Text(self.as_str().into())
            }
        }
    };
}

prefect_enum! {
    /// The type of a flow-run or task-run state (PostgreSQL enum `state_type`).
    StateType {
        Scheduled => "SCHEDULED",
        Pending => "PENDING",
        Running => "RUNNING",
        Completed => "COMPLETED",
        Failed => "FAILED",
        Cancelled => "CANCELLED",
        Crashed => "CRASHED",
        Paused => "PAUSED",
        Cancelling => "CANCELLING",
    }
}

prefect_enum! {
    /// Whether a deployment is ready (PostgreSQL enum `deployment_status`).
    DeploymentStatus {
        Ready => "READY",
        NotReady => "NOT_READY",
    }
}

prefect_enum! {
    /// A work pool's status (PostgreSQL enum `work_pool_status`).
    WorkPoolStatus {
        Ready => "READY",
        NotReady => "NOT_READY",
        Paused => "PAUSED",
    }
}

prefect_enum! {
    /// A work queue's status (PostgreSQL enum `work_queue_status`).
    WorkQueueStatus {
        Ready => "READY",
        NotReady => "NOT_READY",
        Paused => "PAUSED",
    }
}

prefect_enum! {
    /// A worker's status (PostgreSQL enum `worker_status`).
    WorkerStatus {
        Online => "ONLINE",
        Offline => "OFFLINE",
    }
}
