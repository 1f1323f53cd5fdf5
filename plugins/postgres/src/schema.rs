//! The live PostgreSQL schema as snapshot lines (see `flowdb_plugin_sdk::schema`).
//!
//! One catalog query over the current schema (the first of `search_path`): PostgreSQL's own
//! deparsers (`format_type`, `pg_get_expr`, `pg_get_indexdef`, `pg_get_constraintdef`) spell
//! every type, default, index key and constraint, so two databases built by the same DDL give
//! the same lines whatever created them.

use flowdb_plugin_sdk::schema::{finish_snapshot, normalize_whitespace as norm};
use sqlx::PgConnection;

use crate::error::{Error, ErrorExt as _, Result, from_sqlx};

/// Each branch yields finished lines; the key-column lists use `unnest … with ordinality` so
/// that multi-column keys keep their declared order.
const SNAPSHOT_SQL: &str = r"
with ns as (select oid from pg_namespace where nspname = current_schema()),
fk_action(code, action) as (values ('a', 'NO ACTION'), ('r', 'RESTRICT'), ('c', 'CASCADE'),
                                   ('n', 'SET NULL'), ('d', 'SET DEFAULT'))
select 'table ' || c.relname
  from pg_class c where c.relnamespace = (select oid from ns) and c.relkind in ('r', 'p')
union all
select 'column ' || c.relname || '.' || a.attname || ' type=' || format_type(a.atttypid, a.atttypmod)
       || ' nullable=' || case when a.attnotnull then 'no' else 'yes' end
       || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), 'NULL')
       || case when a.attidentity::text <> '' then ' identity=' || a.attidentity::text else '' end
       || case when a.attgenerated::text <> '' then ' generated=' || a.attgenerated::text else '' end
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
 where c.relnamespace = (select oid from ns) and c.relkind in ('r', 'p')
   and a.attnum > 0 and not a.attisdropped
union all
select case k.contype when 'p' then 'pk ' else 'unique ' end || t.relname || ' name=' || k.conname
       || ' columns=(' || (select string_agg(a.attname, ', ' order by u.ord)
                             from unnest(k.conkey) with ordinality u(attnum, ord)
                             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum)
       || ')'
  from pg_constraint k join pg_class t on t.oid = k.conrelid
 where t.relnamespace = (select oid from ns) and k.contype in ('p', 'u')
union all
select 'index ' || t.relname || '.' || i.relname || ' unique=' || ix.indisunique::text
       || ' method=' || am.amname || ' columns=('
       || (select string_agg(
                pg_get_indexdef(ix.indexrelid, n, true)
                || coalesce((select ' ' || oc.opcname from pg_opclass oc
                              where oc.oid = ix.indclass[n - 1] and not oc.opcdefault), '')
                || case when (ix.indoption[n - 1] & 1) = 1 then ' DESC' else '' end
                || case when (ix.indoption[n - 1] & 1) = 1 and (ix.indoption[n - 1] & 2) = 0
                        then ' NULLS LAST'
                        when (ix.indoption[n - 1] & 1) = 0 and (ix.indoption[n - 1] & 2) = 2
                        then ' NULLS FIRST' else '' end,
                ', ' order by n)
             from generate_series(1, ix.indnkeyatts) n)
       || ')'
       || coalesce(' include=(' || (select string_agg(pg_get_indexdef(ix.indexrelid, n, true), ', ' order by n)
                                      from generate_series(ix.indnkeyatts + 1, ix.indnatts) n) || ')', '')
       || ' where=' || coalesce(pg_get_expr(ix.indpred, ix.indrelid, true), '-')
  from pg_index ix
  join pg_class i on i.oid = ix.indexrelid
  join pg_class t on t.oid = ix.indrelid
  join pg_am am on am.oid = i.relam
 where t.relnamespace = (select oid from ns)
   and not exists (select 1 from pg_constraint k
                    where k.conindid = ix.indexrelid and k.contype in ('p', 'u', 'x'))
union all
select 'fk ' || t.relname || '('
       || (select string_agg(a.attname, ', ' order by u.ord)
             from unnest(k.conkey) with ordinality u(attnum, ord)
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum)
       || ') -> ' || r.relname || '('
       || (select string_agg(a.attname, ', ' order by u.ord)
             from unnest(k.confkey) with ordinality u(attnum, ord)
             join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum)
       || ') on_delete=' || (select action from fk_action where code = k.confdeltype::text)
       || ' on_update=' || (select action from fk_action where code = k.confupdtype::text)
       || ' name=' || k.conname
  from pg_constraint k
  join pg_class t on t.oid = k.conrelid
  join pg_class r on r.oid = k.confrelid
 where t.relnamespace = (select oid from ns) and k.contype = 'f'
union all
select 'check ' || t.relname || ' name=' || k.conname || ' expr=' || pg_get_constraintdef(k.oid, true)
  from pg_constraint k join pg_class t on t.oid = k.conrelid
 where t.relnamespace = (select oid from ns) and k.contype = 'c'
union all
select 'enum ' || y.typname || ' values=(' || string_agg(e.enumlabel, ', ' order by e.enumsortorder) || ')'
  from pg_type y join pg_enum e on e.enumtypid = y.oid
 where y.typnamespace = (select oid from ns)
 group by y.typname
union all
select 'extension ' || extname || ' version=' || extversion
  from pg_extension where extname <> 'plpgsql'
union all
select 'trigger ' || c.relname || '.' || g.tgname || ' def=' || pg_get_triggerdef(g.oid, true)
  from pg_trigger g join pg_class c on c.oid = g.tgrelid
 where c.relnamespace = (select oid from ns) and not g.tgisinternal
union all
select 'view ' || c.relname || ' def=' || pg_get_viewdef(c.oid, true)
  from pg_class c where c.relnamespace = (select oid from ns) and c.relkind in ('v', 'm')
union all
select 'sequence ' || c.relname
  from pg_class c where c.relnamespace = (select oid from ns) and c.relkind = 'S'
union all
select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') returns '
       || pg_get_function_result(p.oid)
  from pg_proc p
 where p.pronamespace = (select oid from ns)
   and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
";

/// Every table, column, key, index, foreign key, check, enum, extension, trigger, view,
/// sequence and function of the current schema.
pub(crate) async fn snapshot(
    connection: &mut PgConnection,
    persistent: bool,
) -> Result<Vec<String>> {
    let schema: Option<String> = sqlx::query_scalar("select current_schema()")
        .persistent(persistent)
        .fetch_one(&mut *connection)
        .await
        .map_err(from_sqlx)?;
    if schema.is_none() {
        return Err(Error::invalid_argument(
            "no schema is selected: no schema of the search_path exists in this database; \
             create it or fix PREFECT_API_DATABASE_SEARCH_PATH"
                .to_owned(),
        ));
    }
    let lines: Vec<Option<String>> = sqlx::query_scalar(SNAPSHOT_SQL)
        .persistent(persistent)
        .fetch_all(connection)
        .await
        .map_err(from_sqlx)?;
    // Whitespace is normalized over the whole line: names and type spellings hold single
    // spaces at most, so only the deparsed SQL (defaults, predicates, definitions) changes.
    Ok(finish_snapshot(
        lines
            .into_iter()
            .map(|line| norm(line.as_deref()))
            .collect(),
    ))
}
