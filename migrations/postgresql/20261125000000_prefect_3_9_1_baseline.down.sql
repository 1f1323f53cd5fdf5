-- flowdb migration: revert the Prefect 3.9.1 schema baseline (PostgreSQL)
-- Drops every table and enum type created by the matching .up.sql.
-- The pg_trgm extension is deliberately left in place (it may predate flowdb).

DROP TABLE IF EXISTS worker CASCADE;
DROP TABLE IF EXISTS work_queue CASCADE;
DROP TABLE IF EXISTS work_pool CASCADE;
DROP TABLE IF EXISTS variable CASCADE;
DROP TABLE IF EXISTS task_run_state_cache CASCADE;
DROP TABLE IF EXISTS task_run_state CASCADE;
DROP TABLE IF EXISTS task_run CASCADE;
DROP TABLE IF EXISTS saved_search CASCADE;
DROP TABLE IF EXISTS log CASCADE;
DROP TABLE IF EXISTS flow_run_state CASCADE;
DROP TABLE IF EXISTS flow_run_input CASCADE;
DROP TABLE IF EXISTS flow_run CASCADE;
DROP TABLE IF EXISTS flow CASCADE;
DROP TABLE IF EXISTS events CASCADE;
DROP TABLE IF EXISTS event_resources CASCADE;
DROP TABLE IF EXISTS deployment_version CASCADE;
DROP TABLE IF EXISTS deployment_schedule CASCADE;
DROP TABLE IF EXISTS deployment CASCADE;
DROP TABLE IF EXISTS csrf_token CASCADE;
DROP TABLE IF EXISTS configuration CASCADE;
DROP TABLE IF EXISTS concurrency_limit_v2 CASCADE;
DROP TABLE IF EXISTS concurrency_limit CASCADE;
DROP TABLE IF EXISTS composite_trigger_child_firing CASCADE;
DROP TABLE IF EXISTS block_type CASCADE;
DROP TABLE IF EXISTS block_schema_reference CASCADE;
DROP TABLE IF EXISTS block_schema CASCADE;
DROP TABLE IF EXISTS block_document_reference CASCADE;
DROP TABLE IF EXISTS block_document CASCADE;
DROP TABLE IF EXISTS automation_related_resource CASCADE;
DROP TABLE IF EXISTS automation_held_event CASCADE;
DROP TABLE IF EXISTS automation_event_follower CASCADE;
DROP TABLE IF EXISTS automation_bucket CASCADE;
DROP TABLE IF EXISTS automation CASCADE;
DROP TABLE IF EXISTS artifact_collection CASCADE;
DROP TABLE IF EXISTS artifact CASCADE;
DROP TABLE IF EXISTS alembic_version CASCADE;
DROP TABLE IF EXISTS agent CASCADE;

DROP TYPE IF EXISTS deployment_status;
DROP TYPE IF EXISTS state_type;
DROP TYPE IF EXISTS work_pool_status;
DROP TYPE IF EXISTS work_queue_status;
DROP TYPE IF EXISTS worker_status;
