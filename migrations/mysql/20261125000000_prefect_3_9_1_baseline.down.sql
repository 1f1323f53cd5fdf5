-- flowdb migration: revert the Prefect 3.9.1 schema baseline (MariaDB 10.6+ / MySQL 8.0.21+)
-- Drops every table created by the matching .up.sql (its generated columns and indexes go with
-- them; there are no enum types, sequences, triggers or views to drop), leaving no table behind.
--
-- MariaDB/MySQL have no DROP TABLE ... CASCADE and refuse to drop a table that another table's
-- foreign key still references, even in one multi-table DROP. So the three foreign keys that
-- close reference cycles (flow_run -> flow_run_state, flow_run -> task_run,
-- work_pool -> work_queue) are dropped first, then the tables, referencing tables before the
-- tables they reference. IF EXISTS in /*M! */ comments is read by MariaDB only (MySQL has no
-- IF EXISTS there): on MySQL the first two statements expect the schema the .up.sql built.
-- The session's foreign_key_checks is left alone on purpose (a pooled connection must not
-- keep it off if the script stops half-way).

ALTER TABLE /*M!100502 IF EXISTS */ flow_run
    DROP FOREIGN KEY /*M!100502 IF EXISTS */ fk_flow_run__state_id__flow_run_state,
    DROP FOREIGN KEY /*M!100502 IF EXISTS */ fk_flow_run__parent_task_run_id__task_run;
ALTER TABLE /*M!100502 IF EXISTS */ work_pool
    DROP FOREIGN KEY /*M!100502 IF EXISTS */ fk_work_pool__default_queue_id__work_queue;

DROP TABLE IF EXISTS worker;
DROP TABLE IF EXISTS agent;
DROP TABLE IF EXISTS deployment_schedule;
DROP TABLE IF EXISTS deployment_version;
DROP TABLE IF EXISTS deployment;
DROP TABLE IF EXISTS flow_run_input;
DROP TABLE IF EXISTS flow_run_state;
DROP TABLE IF EXISTS task_run_state;
DROP TABLE IF EXISTS task_run_state_cache;
DROP TABLE IF EXISTS task_run;
DROP TABLE IF EXISTS flow_run;
DROP TABLE IF EXISTS flow;
DROP TABLE IF EXISTS block_document_reference;
DROP TABLE IF EXISTS block_document;
DROP TABLE IF EXISTS block_schema_reference;
DROP TABLE IF EXISTS block_schema;
DROP TABLE IF EXISTS block_type;
DROP TABLE IF EXISTS work_queue;
DROP TABLE IF EXISTS work_pool;
DROP TABLE IF EXISTS automation_bucket;
DROP TABLE IF EXISTS automation_held_event;
DROP TABLE IF EXISTS automation_related_resource;
DROP TABLE IF EXISTS composite_trigger_child_firing;
DROP TABLE IF EXISTS automation_event_follower;
DROP TABLE IF EXISTS automation;
DROP TABLE IF EXISTS artifact;
DROP TABLE IF EXISTS artifact_collection;
DROP TABLE IF EXISTS concurrency_limit;
DROP TABLE IF EXISTS concurrency_limit_v2;
DROP TABLE IF EXISTS configuration;
DROP TABLE IF EXISTS csrf_token;
DROP TABLE IF EXISTS event_resources;
DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS log;
DROP TABLE IF EXISTS saved_search;
DROP TABLE IF EXISTS variable;
DROP TABLE IF EXISTS alembic_version;
