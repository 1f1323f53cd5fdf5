//! A component's arguments, checked against its parameters and read by kind.

use std::collections::HashMap;

use abi_stable::std_types::RVec;

use crate::abi::{ComponentInfo, NamedValue, Value, ValueKind};
use crate::error::{Error, ErrorExt, Result};
use crate::value::ValueNEExt;

/// The arguments a component is rendered with: checked against its parameters before the
/// component sees them, then read by name and kind.
///
/// Every reader names the component and the argument in its error, so a host that sends a
/// value of the wrong kind learns exactly which one.
///
/// ```
/// use flowdb_plugin_sdk::abi::{catalogue, Value};
/// use flowdb_plugin_sdk::queries::Arguments;
///
/// let spec = catalogue::READ_CONFIGURATION_VALUE.info();
/// let args = Arguments::check(&spec, vec![("key", Value::Text("ENCRYPTION_KEY".into()))]).unwrap();
/// assert_eq!(args.text("key").unwrap(), Some("ENCRYPTION_KEY"));
///
/// let err = Arguments::check(&spec, vec![("key", Value::Int64(1))]).unwrap_err();
/// assert_eq!(
///     err.message.as_str(),
///     "read_configuration_value: argument `key` must be text, got integer"
/// );
/// let err = Arguments::check(&spec, Vec::<(&str, Value)>::new()).unwrap_err();
/// assert!(err.message.contains("missing required argument `key`"), "{}", err.message);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Arguments {
    component: String,
    values: HashMap<String, Value>,
}

/// Whether `value` may be passed where `kind` is expected: the same kind, or a narrower
/// integer for a wider one.
fn accepts(kind: ValueKind, value: &Value) -> bool {
    let found = value.kind();
    found == kind
        || (kind == ValueKind::INT64 && matches!(found, ValueKind::INT32 | ValueKind::INT16))
        || (kind == ValueKind::INT32 && found == ValueKind::INT16)
}

impl Arguments {
    /// Checks `given` against the component's parameters: every required one present and not
    /// NULL, no unknown name, each value of its parameter's kind (NULL is "not given").
    pub fn check<N: AsRef<str>>(
        component: &ComponentInfo,
        given: impl IntoIterator<Item = (N, Value)>,
    ) -> Result<Arguments> {
        let name = component.name.as_str();
        let mut values = HashMap::new();
        for (argument, value) in given {
            let argument = argument.as_ref();
            let parameter = component
                .parameters
                .iter()
                .find(|parameter| parameter.name.as_str() == argument)
                .ok_or_else(|| {
                    let known: Vec<&str> = component
                        .parameters
                        .iter()
                        .map(|parameter| parameter.name.as_str())
                        .collect();
                    Error::invalid_argument(format!(
                        "{name}: unknown argument `{argument}`; it takes {}",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ))
                })?;
            if values.contains_key(argument) {
                return Err(Error::invalid_argument(format!(
                    "{name}: argument `{argument}` is given twice"
                )));
            }
            if !matches!(value, Value::Null) && !accepts(parameter.kind, &value) {
                return Err(Error::invalid_argument(format!(
                    "{name}: argument `{argument}` must be {}, got {}",
                    parameter.kind.name(),
                    value.kind().name()
                )));
            }
            if !matches!(value, Value::Null) {
                values.insert(argument.to_owned(), value);
            }
        }
        for parameter in &component.parameters {
            if parameter.required && !values.contains_key(parameter.name.as_str()) {
                return Err(Error::invalid_argument(format!(
                    "{name}: missing required argument `{}` ({})",
                    parameter.name,
                    parameter.kind.name()
                )));
            }
        }
        Ok(Arguments {
            component: name.to_owned(),
            values,
        })
    }

    /// Reads the arguments as they cross the boundary, then [`check`](Self::check)s them.
    pub fn from_abi(component: &ComponentInfo, given: RVec<NamedValue>) -> Result<Arguments> {
        let mut pairs = Vec::with_capacity(given.len());
        for argument in given {
            let value = argument.value.value().map_err(|_| {
                Error::invalid_argument(format!(
                    "{}: argument `{}` holds a kind of value this plugin's SDK does not know (sent by a newer host)",
                    component.name, argument.name
                ))
            })?;
            pairs.push((argument.name.into_string(), value.clone()));
        }
        Self::check(component, pairs)
    }

    /// The component these arguments are for.
    pub fn component(&self) -> &str {
        &self.component
    }

    /// The raw value, if given (a NULL counts as not given).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Whether the argument was given.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Every argument given, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.values
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }

    fn wrong(&self, name: &str, wanted: &str, value: &Value) -> Error {
        Error::invalid_argument(format!(
            "{}: argument `{name}` must be {wanted}, got {}",
            self.component,
            value.kind().name()
        ))
    }

    /// A required argument was absent where the component needed it.
    pub fn missing(&self, name: &str) -> Error {
        Error::invalid_argument(format!(
            "{}: missing required argument `{name}`",
            self.component
        ))
    }

    /// An argument's value is of the right kind but not acceptable (`reason` says why).
    pub fn invalid(&self, name: &str, reason: impl std::fmt::Display) -> Error {
        Error::invalid_argument(format!("{}: argument `{name}` {reason}", self.component))
    }

    /// A text argument.
    pub fn text(&self, name: &str) -> Result<Option<&str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Text(text)) => Ok(Some(text.as_str())),
            Some(other) => Err(self.wrong(name, "text", other)),
        }
    }

    /// An integer argument (any integer width).
    pub fn int(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Int64(value)) => Ok(Some(*value)),
            Some(Value::Int32(value)) => Ok(Some(i64::from(*value))),
            Some(Value::Int16(value)) => Ok(Some(i64::from(*value))),
            Some(other) => Err(self.wrong(name, "an integer", other)),
        }
    }

    /// A boolean argument.
    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(other) => Err(self.wrong(name, "a boolean", other)),
        }
    }

    /// A UUID argument, as its 16 bytes.
    pub fn uuid(&self, name: &str) -> Result<Option<[u8; 16]>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Uuid(bytes)) => Ok(Some(*bytes)),
            Some(other) => Err(self.wrong(name, "a uuid", other)),
        }
    }

    /// A timestamp argument, in microseconds since the epoch.
    pub fn timestamp(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Timestamp(micros)) => Ok(Some(*micros)),
            Some(other) => Err(self.wrong(name, "a timestamp", other)),
        }
    }

    /// An interval argument, in microseconds.
    pub fn interval(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Interval(micros)) => Ok(Some(*micros)),
            Some(other) => Err(self.wrong(name, "an interval", other)),
        }
    }

    /// A text-list argument.
    pub fn text_list(&self, name: &str) -> Result<Option<Vec<&str>>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::TextList(items)) => {
                Ok(Some(items.iter().map(|item| item.as_str()).collect()))
            }
            Some(other) => Err(self.wrong(name, "a text list", other)),
        }
    }

    /// A UUID-list argument.
    pub fn uuid_list(&self, name: &str) -> Result<Option<&[[u8; 16]]>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::UuidList(items)) => Ok(Some(items.as_slice())),
            Some(other) => Err(self.wrong(name, "a uuid list", other)),
        }
    }

    /// A required argument: `read(self, name)` or the "missing" error.
    pub fn required<'a, T>(
        &'a self,
        name: &str,
        read: impl FnOnce(&'a Self, &str) -> Result<Option<T>>,
    ) -> Result<T> {
        read(self, name)?.ok_or_else(|| self.missing(name))
    }
}
