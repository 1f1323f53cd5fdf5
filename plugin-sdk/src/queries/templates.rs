//! The dialect's SQL templates: embedded at build time, overridable from a directory.
//!
//! A plugin embeds its `sql/<dialect>/*.sql.jinja` files with
//! `flowdb_plugin_build::embed_templates` and builds a [`Templates`] from them. An operator may
//! point the `sql_template_dir` setting at a directory whose `*.sql.jinja` files replace the
//! embedded ones of the same name. Templates are Jinja (minijinja), rendered with
//! `trim_blocks` as Prefect renders its own, and write bind parameters as `:name` (see
//! [`NamedSql`](crate::queries::NamedSql)).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use minijinja::Environment;

use crate::error::{Error, ErrorExt, Result};
use crate::queries::NamedSql;

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateSource {
    /// Embedded in the plugin at build time.
    Embedded,
    /// Read from this file of the override directory.
    Override(PathBuf),
}

/// The dialect's SQL templates, parsed once; renderings are cached per set of flags.
///
/// ```
/// use flowdb_plugin_sdk::queries::Templates;
///
/// let templates = Templates::new(
///     &[("poll.sql.jinja", "select 1 from t where a = :a{% if b %} and b = :b{% endif %}")],
///     None,
/// ).unwrap();
/// let sql = templates.render("poll.sql.jinja", &[("b", true)]).unwrap();
/// assert_eq!(sql.sql(), "select 1 from t where a = $1 and b = $2");
/// let sql = templates.render("poll.sql.jinja", &[("b", false)]).unwrap();
/// assert_eq!(sql.sql(), "select 1 from t where a = $1");
///
/// let err = Templates::new(&[("bad.sql.jinja", "select {% if %}")], None).unwrap_err();
/// assert!(err.message.contains("bad.sql.jinja"), "{}", err.message);
/// assert!(err.message.contains("line 1"), "{}", err.message);
/// ```
pub struct Templates {
    environment: Environment<'static>,
    sources: BTreeMap<String, TemplateSource>,
    rendered: Mutex<HashMap<RenderKey, NamedSql>>,
}

/// A template's name and the flags it was rendered with, sorted.
type RenderKey = (String, Vec<(String, bool)>);

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

fn describe(error: &minijinja::Error, origin: &str) -> String {
    let line = error
        .line()
        .map(|line| format!(", line {line}"))
        .unwrap_or_default();
    let detail = error
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| error.kind().to_string());
    format!("{origin}{line}: {detail}")
}

impl Templates {
    /// The embedded templates (file name, source), replaced by any file of the same name in
    /// `override_dir`. A template that does not parse, an override directory that cannot be
    /// read, or an override file that cannot be read is an error naming the file (and for a
    /// parse error, the line and the fault). An override file that names no embedded template
    /// is refused too, as a likely misspelling.
    pub fn new(embedded: &[(&str, &str)], override_dir: Option<&Path>) -> Result<Templates> {
        let mut environment = Environment::new();
        environment.set_trim_blocks(true);
        environment.set_keep_trailing_newline(true);
        let mut sources = BTreeMap::new();
        let mut texts: BTreeMap<String, (String, TemplateSource)> = embedded
            .iter()
            .map(|(name, text)| {
                (
                    (*name).to_owned(),
                    ((*text).to_owned(), TemplateSource::Embedded),
                )
            })
            .collect();
        if let Some(dir) = override_dir {
            for (name, path, text) in read_overrides(dir)? {
                if !texts.contains_key(&name) {
                    let known: Vec<&str> = embedded.iter().map(|(name, _)| *name).collect();
                    return Err(Error::invalid_argument(format!(
                        "SQL template override {}: no template of this dialect is named `{name}`; it has {}",
                        path.display(),
                        known.join(", ")
                    )));
                }
                texts.insert(name, (text, TemplateSource::Override(path)));
            }
        }
        for (name, (text, source)) in texts {
            let origin = match &source {
                TemplateSource::Embedded => format!("SQL template {name} (embedded)"),
                TemplateSource::Override(path) => {
                    format!("SQL template override {}", path.display())
                }
            };
            environment
                .add_template_owned(name.clone(), text)
                .map_err(|err| Error::invalid_argument(describe(&err, &origin)))?;
            sources.insert(name, source);
        }
        Ok(Templates {
            environment,
            sources,
            rendered: Mutex::new(HashMap::new()),
        })
    }

    /// Every template's name and where it came from.
    pub fn sources(&self) -> &BTreeMap<String, TemplateSource> {
        &self.sources
    }

    /// Renders `name` with boolean `flags` (Prefect's templates test only whether an argument
    /// was given) and compiles its `:name` placeholders; cached per flag set.
    pub fn render(&self, name: &str, flags: &[(&str, bool)]) -> Result<NamedSql> {
        let mut key_flags: Vec<(String, bool)> = flags
            .iter()
            .map(|(flag, on)| ((*flag).to_owned(), *on))
            .collect();
        key_flags.sort();
        let key = (name.to_owned(), key_flags);
        let mut cache = self
            .rendered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sql) = cache.get(&key) {
            return Ok(sql.clone());
        }
        let origin = match self.sources.get(name) {
            Some(TemplateSource::Override(path)) => {
                format!("SQL template override {}", path.display())
            }
            Some(TemplateSource::Embedded) => format!("SQL template {name} (embedded)"),
            None => return Err(Error::internal(format!("no SQL template named {name}"))),
        };
        let template = self
            .environment
            .get_template(name)
            .map_err(|err| Error::internal(describe(&err, &origin)))?;
        let context: BTreeMap<&str, bool> = flags.iter().copied().collect();
        let text = template
            .render(context)
            .map_err(|err| Error::invalid_argument(describe(&err, &origin)))?;
        let sql = NamedSql::compile(&text)
            .map_err(|reason| Error::invalid_argument(format!("{origin}: {reason}")))?;
        cache.insert(key, sql.clone());
        Ok(sql)
    }
}

fn read_overrides(dir: &Path) -> Result<Vec<(String, PathBuf, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        Error::invalid_argument(format!(
            "SQL template directory {} cannot be read: {err}",
            dir.display()
        ))
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| {
            Error::invalid_argument(format!(
                "SQL template directory {} cannot be read: {err}",
                dir.display()
            ))
        })?;
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !name.ends_with(".sql.jinja") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|err| {
            Error::invalid_argument(format!(
                "SQL template override {} cannot be read: {err}",
                path.display()
            ))
        })?;
        found.push((name.to_owned(), path, text));
    }
    Ok(found)
}
