use abi_stable::StableAbi;
use abi_stable::std_types::{RString, RVec};

/// A value bound as a parameter or read back from a row.
///
/// It crosses the boundary wrapped as [`ValueNE`](crate::ValueNE) (abi_stable's
/// `NonExhaustive`), so variants can be added in later ABI versions: a host that receives a
/// variant it does not know gets an error from `as_enum()`, never undefined behaviour.
///
/// The encodings are the host's, not the database's: each plugin maps them to what its dialect
/// stores (SQLite keeps UUIDs and timestamps as text, PostgreSQL natively).
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
#[sabi(kind(WithNonExhaustive(size = 48, align = 8, traits(Debug, Clone, PartialEq))))]
pub enum Value {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 16-bit integer (PostgreSQL `smallint`).
    Int16(i16),
    /// A 32-bit integer (PostgreSQL `integer`).
    Int32(i32),
    /// A 64-bit integer (PostgreSQL `bigint`, every SQLite integer).
    Int64(i64),
    /// A double-precision float.
    Float64(f64),
    /// Text.
    Text(RString),
    /// Raw bytes.
    Bytes(RVec<u8>),
    /// A UUID as its 16 bytes in big-endian (RFC 4122) order.
    Uuid([u8; 16]),
    /// A timestamp with time zone, as microseconds since the Unix epoch in UTC.
    Timestamp(i64),
    /// A time interval, in microseconds.
    Interval(i64),
    /// A JSON document, as its text.
    Json(RString),
    /// A list of UUIDs (each its 16 big-endian bytes), for `IN` lists.
    ///
    /// # Since
    /// ABI 0.2.
    UuidList(RVec<[u8; 16]>),
    /// A list of texts, for `IN` lists.
    ///
    /// # Since
    /// ABI 0.2.
    TextList(RVec<RString>),
    /// A list of 64-bit integers, for `IN` lists.
    ///
    /// # Since
    /// ABI 0.2.
    Int64List(RVec<i64>),
}

impl Value {
    /// The kind of this value.
    ///
    /// ```
    /// use flowdb_abi::{Value, ValueKind};
    /// assert_eq!(Value::Int64(3).kind(), ValueKind::INT64);
    /// assert_eq!(Value::UuidList(Default::default()).kind(), ValueKind::UUID_LIST);
    /// ```
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Null => ValueKind::NULL,
            Value::Bool(_) => ValueKind::BOOL,
            Value::Int16(_) => ValueKind::INT16,
            Value::Int32(_) => ValueKind::INT32,
            Value::Int64(_) => ValueKind::INT64,
            Value::Float64(_) => ValueKind::FLOAT64,
            Value::Text(_) => ValueKind::TEXT,
            Value::Bytes(_) => ValueKind::BYTES,
            Value::Uuid(_) => ValueKind::UUID,
            Value::Timestamp(_) => ValueKind::TIMESTAMP,
            Value::Interval(_) => ValueKind::INTERVAL,
            Value::Json(_) => ValueKind::JSON,
            Value::UuidList(_) => ValueKind::UUID_LIST,
            Value::TextList(_) => ValueKind::TEXT_LIST,
            Value::Int64List(_) => ValueKind::INT64_LIST,
        }
    }
}

/// The kind of a [`Value`], an integer newtype open to growth: what a component's parameter
/// expects, and what a value is.
///
/// ```
/// use flowdb_abi::ValueKind;
/// assert_eq!(ValueKind::TIMESTAMP.name(), "timestamp");
/// assert_eq!(ValueKind(200).name(), "unknown");
/// ```
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueKind(pub u8);

impl ValueKind {
    /// SQL NULL.
    pub const NULL: Self = Self(0);
    /// [`Value::Bool`].
    pub const BOOL: Self = Self(1);
    /// [`Value::Int16`].
    pub const INT16: Self = Self(2);
    /// [`Value::Int32`].
    pub const INT32: Self = Self(3);
    /// [`Value::Int64`].
    pub const INT64: Self = Self(4);
    /// [`Value::Float64`].
    pub const FLOAT64: Self = Self(5);
    /// [`Value::Text`].
    pub const TEXT: Self = Self(6);
    /// [`Value::Bytes`].
    pub const BYTES: Self = Self(7);
    /// [`Value::Uuid`].
    pub const UUID: Self = Self(8);
    /// [`Value::Timestamp`].
    pub const TIMESTAMP: Self = Self(9);
    /// [`Value::Interval`].
    pub const INTERVAL: Self = Self(10);
    /// [`Value::Json`].
    pub const JSON: Self = Self(11);
    /// [`Value::UuidList`].
    pub const UUID_LIST: Self = Self(12);
    /// [`Value::TextList`].
    pub const TEXT_LIST: Self = Self(13);
    /// [`Value::Int64List`].
    pub const INT64_LIST: Self = Self(14);

    /// A short lowercase name for messages and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::NULL => "null",
            Self::BOOL => "boolean",
            Self::INT16 => "int16",
            Self::INT32 => "int32",
            Self::INT64 => "integer",
            Self::FLOAT64 => "float",
            Self::TEXT => "text",
            Self::BYTES => "bytes",
            Self::UUID => "uuid",
            Self::TIMESTAMP => "timestamp",
            Self::INTERVAL => "interval",
            Self::JSON => "json",
            Self::UUID_LIST => "uuid list",
            Self::TEXT_LIST => "text list",
            Self::INT64_LIST => "integer list",
            _ => "unknown",
        }
    }
}

/// A value with a name: one argument of a query component, or one dialect property.
///
/// # Since
/// ABI 0.2.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct NamedValue {
    /// The name (`work_pool_ids`, `uses_json_strings`).
    pub name: RString,
    /// The value.
    pub value: Value_NE,
}
