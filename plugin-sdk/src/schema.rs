//! The schema snapshot: a dialect's live schema as normalized text lines, which the host diffs
//! for `flowdb database check` and compares with Prefect's reference dumps.
//!
//! A dialect implements [`Pool::schema_snapshot`](crate::Pool::schema_snapshot) by reading its
//! catalog and returning one line per object, in this format (the format of Prefect's reference
//! schema dumps, so that a snapshot can be compared with them line by line):
//!
//! ```text
//! table <t>
//! column <t>.<c> type=<type> nullable=<yes|no> default=<expr|NULL>
//! pk <t> name=<name|-> columns=(<c>, ...)
//! unique <t> name=<name|-> columns=(<c>, ...)
//! index <t>.<name> unique=<true|false> method=<m> columns=(<expr> [DESC], ...) where=<pred|->
//! fk <t>(<cols>) -> <ref_t>(<ref_cols>) on_delete=<action> on_update=<action> name=<name|->
//! check <t> name=<name|-> expr=CHECK (...)
//! enum <type> values=(<v>, ...)
//! extension <name> version=<v>
//! trigger <t>.<name> def=<sql>
//! view <name> def=<sql>
//! ```
//!
//! Indexes that only back a primary key or unique constraint appear as the `pk` / `unique`
//! line. The host parses `table` and `column` lines (to compare them with its models); every
//! other kind is compared as text, so a dialect may add kinds of its own. Pass the lines through
//! [`finish_snapshot`] before returning them.

/// Collapses runs of whitespace to one space, trims the ends and the spaces just inside
/// parentheses, so that SQL text compares equal however it was laid out. `None` (a missing
/// default, say) becomes `NULL`.
///
/// ```
/// use flowdb_plugin_sdk::schema::normalize_whitespace;
///
/// assert_eq!(normalize_whitespace(Some("CHECK (\n  a  != b )")), "CHECK (a != b)");
/// assert_eq!(normalize_whitespace(None), "NULL");
/// ```
pub fn normalize_whitespace(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "NULL".to_owned();
    };
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.trim().chars() {
        if ch.is_whitespace() {
            pending_space = true;
            continue;
        }
        // A space before `)` or after `(` is dropped; any other run becomes one space.
        if pending_space && ch != ')' && !out.ends_with('(') {
            out.push(' ');
        }
        pending_space = false;
        out.push(ch);
    }
    out
}

/// Sorts the lines and drops duplicates, as the host expects a snapshot.
///
/// ```
/// let lines = vec!["table b".to_owned(), "table a".to_owned(), "table b".to_owned()];
/// assert_eq!(flowdb_plugin_sdk::schema::finish_snapshot(lines), ["table a", "table b"]);
/// ```
pub fn finish_snapshot(mut lines: Vec<String>) -> Vec<String> {
    lines.sort_unstable();
    lines.dedup();
    lines
}
