//! Parsing one raw value (from the environment or the TOML file) into its setting.

use std::path::PathBuf;

use super::file::render_toml;
use super::spec::Field;
use super::{DatabaseSettings, Driver, MASK, SecretString, SettingsError};

/// A value as it came from one source.
#[derive(Clone, Copy)]
pub(super) enum Raw<'a> {
    Env(&'a str),
    Toml(&'a toml::Value),
}

impl<'a> Raw<'a> {
    /// The value when it is a string (every environment value is).
    fn text(self) -> Option<&'a str> {
        match self {
            Raw::Env(s) => Some(s),
            Raw::Toml(toml::Value::String(s)) => Some(s),
            Raw::Toml(_) => None,
        }
    }

    fn render(self) -> String {
        match self {
            Raw::Env(s) => format!("{s:?}"),
            Raw::Toml(v) => render_toml(v),
        }
    }

    fn integer(self) -> Option<i64> {
        match self {
            Raw::Toml(toml::Value::Integer(i)) => Some(*i),
            other => other.text().and_then(|s| s.trim().parse().ok()),
        }
    }

    fn float(self) -> Option<f64> {
        match self {
            Raw::Toml(toml::Value::Float(f)) => Some(*f),
            // TOML integers are fine where seconds are expected; i64 -> f64 may round, which
            // is harmless for a timeout.
            #[allow(clippy::cast_precision_loss)]
            Raw::Toml(toml::Value::Integer(i)) => Some(*i as f64),
            other => other.text().and_then(|s| s.trim().parse().ok()),
        }
    }

    fn boolean(self) -> Option<bool> {
        match self {
            Raw::Toml(toml::Value::Boolean(b)) => Some(*b),
            Raw::Toml(toml::Value::Integer(0)) => Some(false),
            Raw::Toml(toml::Value::Integer(1)) => Some(true),
            other => other.text().and_then(parse_bool),
        }
    }
}

/// Pydantic's string-to-bool rules (case-insensitive, surrounding whitespace ignored).
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
        _ => None,
    }
}

/// Parses `raw` according to `field` and stores it in `db`. `setting` names the source in
/// error messages.
pub(super) fn apply(
    field: Field,
    raw: Raw<'_>,
    setting: &str,
    db: &mut DatabaseSettings,
) -> Result<(), SettingsError> {
    let invalid = |expected: &str| SettingsError::InvalidValue {
        setting: setting.to_owned(),
        value: raw.render(),
        expected: expected.to_owned(),
    };
    match field {
        Field::Str(slot) => {
            let s = raw.text().ok_or_else(|| invalid("a string"))?;
            *slot(db) = Some(s.to_owned());
        }
        Field::Secret(slot) => {
            let s = raw.text().ok_or_else(|| SettingsError::InvalidValue {
                setting: setting.to_owned(),
                value: MASK.to_owned(),
                expected: "a string".to_owned(),
            })?;
            *slot(db) = Some(SecretString(s.to_owned()));
        }
        Field::Driver(slot) => {
            let driver = raw
                .text()
                .and_then(Driver::parse)
                .ok_or_else(|| invalid(Driver::EXPECTED))?;
            *slot(db) = Some(driver);
        }
        Field::Port(slot) => {
            let port = raw
                .integer()
                .and_then(|p| u16::try_from(p).ok())
                .filter(|p| *p != 0)
                .ok_or_else(|| invalid("a port number between 1 and 65535"))?;
            *slot(db) = Some(port);
        }
        Field::Bool(slot) => {
            let b = raw
                .boolean()
                .ok_or_else(|| invalid("a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)"))?;
            *slot(db) = b;
        }
        Field::Seconds(slot) => {
            let secs = raw.float().ok_or_else(|| invalid("a number of seconds"))?;
            if !secs.is_finite() || secs < 0.0 {
                return Err(invalid("a finite, non-negative number of seconds"));
            }
            *slot(db) = Some(secs);
        }
        Field::PositiveSeconds(slot) => {
            let secs = raw.float().ok_or_else(|| invalid("a number of seconds"))?;
            if !secs.is_finite() || secs <= 0.0 {
                return Err(invalid("a finite number of seconds greater than 0"));
            }
            *slot(db) = Some(secs);
        }
        Field::Count(slot) => *slot(db) = parse_count(raw).ok_or_else(|| invalid(COUNT))?,
        Field::OptCount(slot) => {
            *slot(db) = Some(parse_count(raw).ok_or_else(|| invalid(COUNT))?);
        }
        Field::Recycle(slot) => {
            *slot(db) = raw
                .integer()
                .ok_or_else(|| invalid("an integer number of seconds (-1 = never)"))?;
        }
        Field::Path(slot) => {
            let s = raw.text().ok_or_else(|| invalid("a file path"))?;
            *slot(db) = Some(PathBuf::from(s));
        }
    }
    Ok(())
}

const COUNT: &str = "a non-negative integer (at most 4294967295)";

fn parse_count(raw: Raw<'_>) -> Option<u32> {
    raw.integer().and_then(|n| u32::try_from(n).ok())
}
