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
}
