-- flowdb migration: revert the Prefect 3.9.1 schema baseline (SQLite)
-- alembic_revision: 27d8f4e1a6c9
--
-- Drops every index and table that the up migration created, child tables
-- before the tables they reference (the engine keeps PRAGMA foreign_keys = ON).
-- FK cycles: flow_run_state, task_run, then flow_run (their back-references
-- from flow_run are ON DELETE SET NULL), and work_pool before work_queue (its
-- default_queue_id is ON DELETE RESTRICT), so the down also works on a
-- database that still holds rows.

DROP INDEX ix_agent__updated;
DROP INDEX ix_agent__work_queue_id;
DROP TABLE agent;

DROP INDEX ix_artifact_collection__key_latest_id;
DROP INDEX ix_artifact_collection__updated;
DROP TABLE artifact_collection;

DROP INDEX ix_automation_bucket__automation_id__end;
DROP INDEX ix_automation_bucket__updated;
DROP INDEX uq_automation_bucket__automation_id__trigger_id__bucketing_key;
DROP TABLE automation_bucket;

DROP INDEX ix_ae_follower_scope_leader;
DROP INDEX ix_automation_event_follower__leader_event_id;
DROP INDEX ix_automation_event_follower__received;
DROP INDEX ix_automation_event_follower__scope;
DROP INDEX ix_automation_event_follower__updated;
DROP INDEX uq_follower_for_scope;
DROP TABLE automation_event_follower;

DROP INDEX ix_automation_held_event__trigger_key_occurred;
DROP INDEX ix_automation_held_event__updated;
DROP INDEX uq_automation_held_event__trigger_key_event;
DROP TABLE automation_held_event;

DROP INDEX ix_automation_related_resource__resource_id;
DROP INDEX ix_automation_related_resource__updated;
DROP INDEX uq_automation_related_resource__automation_id__resource_id;
DROP TABLE automation_related_resource;

DROP INDEX ix_block_document_reference__updated;
DROP TABLE block_document_reference;

DROP INDEX ix_block_schema_reference__updated;
DROP TABLE block_schema_reference;

DROP INDEX ix_composite_trigger_child_firing__updated;
DROP INDEX uq_composite_trigger_child_firing__a_id__pt_id__ct__id;
DROP TABLE composite_trigger_child_firing;

DROP INDEX ix_automation__updated;
DROP TABLE automation;

DROP INDEX ix_concurrency_limit__updated;
DROP INDEX uq_concurrency_limit__tag;
DROP TABLE concurrency_limit;

DROP INDEX ix_configuration__key;
DROP INDEX ix_configuration__updated;
DROP TABLE configuration;

DROP INDEX ix_csrf_token__updated;
DROP TABLE csrf_token;

DROP INDEX ix_deployment_schedule__deployment_id;
DROP INDEX ix_deployment_schedule__deployment_id__slug;
DROP INDEX ix_deployment_schedule__slug;
DROP INDEX ix_deployment_schedule__updated;
DROP TABLE deployment_schedule;

DROP INDEX ix_deployment_version__deployment_id;
DROP INDEX ix_deployment_version__updated;
DROP INDEX ix_deployment_version__work_queue_id;
DROP INDEX ix_deployment_version__work_queue_name;
DROP INDEX uq_deployment_version__deployment__branch;
DROP TABLE deployment_version;

DROP INDEX ix_deployment__created;
DROP INDEX ix_deployment__flow_id;
DROP INDEX ix_deployment__paused;
DROP INDEX ix_deployment__updated;
DROP INDEX ix_deployment__version_id;
DROP INDEX ix_deployment__work_queue_id;
DROP INDEX ix_deployment__work_queue_name;
DROP INDEX ix_deployment_name_case_insensitive;
DROP INDEX uq_deployment__flow_id_name;
DROP TABLE deployment;

DROP INDEX ix_concurrency_limit_v2__updated;
DROP TABLE concurrency_limit_v2;

DROP INDEX ix_event_resources__event_id;
DROP INDEX ix_event_resources__occurred;
DROP INDEX ix_event_resources__resource_id__occurred;
DROP INDEX ix_event_resources__updated;
DROP TABLE event_resources;

DROP INDEX ix_events__event__id;
DROP INDEX ix_events__event_occurred_id;
DROP INDEX ix_events__event_related_occurred;
DROP INDEX ix_events__event_resource_id_occurred;
DROP INDEX ix_events__occurred;
DROP INDEX ix_events__occurred_id;
DROP INDEX ix_events__related_resource_ids;
DROP INDEX ix_events__updated;
DROP TABLE events;

DROP INDEX ix_flow_run_input__updated;
DROP TABLE flow_run_input;

DROP INDEX ix_log__flow_run_id;
DROP INDEX ix_log__flow_run_id_timestamp;
DROP INDEX ix_log__level;
DROP INDEX ix_log__task_run_id;
DROP INDEX ix_log__timestamp;
DROP INDEX ix_log__updated;
DROP TABLE log;

DROP INDEX ix_saved_search__updated;
DROP TABLE saved_search;

DROP INDEX ix_task_run_state__name;
DROP INDEX ix_task_run_state__result_artifact_id;
DROP INDEX ix_task_run_state__type;
DROP INDEX ix_task_run_state__type_name_timestamp;
DROP INDEX ix_task_run_state__updated;
DROP INDEX uq_task_run_state__task_run_id_timestamp_desc;
DROP TABLE task_run_state;

DROP INDEX ix_task_run_state_cache__cache_key_created_desc;
DROP INDEX ix_task_run_state_cache__updated;
DROP TABLE task_run_state_cache;

DROP INDEX ix_variable__updated;
DROP TABLE variable;

DROP INDEX ix_worker__updated;
DROP INDEX ix_worker__work_pool_id;
DROP INDEX ix_worker__work_pool_id_last_heartbeat_time;
DROP TABLE worker;

DROP INDEX ix_flow_run_state__name;
DROP INDEX ix_flow_run_state__result_artifact_id;
DROP INDEX ix_flow_run_state__type;
DROP INDEX ix_flow_run_state__type_name_timestamp;
DROP INDEX ix_flow_run_state__updated;
DROP INDEX uq_flow_run_state__flow_run_id_timestamp_desc;
DROP TABLE flow_run_state;

DROP INDEX ix_artifact__flow_run_id;
DROP INDEX ix_artifact__key;
DROP INDEX ix_artifact__key_created_desc;
DROP INDEX ix_artifact__task_run_id;
DROP INDEX ix_artifact__updated;
DROP TABLE artifact;

DROP INDEX ix_task_run__end_time_desc;
DROP INDEX ix_task_run__expected_start_time_desc;
DROP INDEX ix_task_run__flow_run_id;
DROP INDEX ix_task_run__name;
DROP INDEX ix_task_run__next_scheduled_start_time_asc;
DROP INDEX ix_task_run__start_time;
DROP INDEX ix_task_run__state_id;
DROP INDEX ix_task_run__state_name;
DROP INDEX ix_task_run__state_timestamp;
DROP INDEX ix_task_run__state_type;
DROP INDEX ix_task_run__state_type_start_time;
DROP INDEX ix_task_run__updated;
DROP INDEX ix_task_run_name_case_insensitive;
DROP INDEX uq_task_run__flow_run_id_task_key_dynamic_key;
DROP TABLE task_run;

DROP INDEX ix_flow_run__deployment_id;
DROP INDEX ix_flow_run__deployment_version;
DROP INDEX ix_flow_run__end_time_desc;
DROP INDEX ix_flow_run__expected_start_time_desc;
DROP INDEX ix_flow_run__flow_id;
DROP INDEX ix_flow_run__flow_version;
DROP INDEX ix_flow_run__infrastructure_document_id;
DROP INDEX ix_flow_run__name;
DROP INDEX ix_flow_run__next_scheduled_start_time_asc;
DROP INDEX ix_flow_run__parent_task_run_id;
DROP INDEX ix_flow_run__schedule_id_scheduler;
DROP INDEX ix_flow_run__scheduler_deployment_id_auto_scheduled_next_schedu;
DROP INDEX ix_flow_run__start_time;
DROP INDEX ix_flow_run__state_id;
DROP INDEX ix_flow_run__state_name;
DROP INDEX ix_flow_run__state_timestamp;
DROP INDEX ix_flow_run__state_type;
DROP INDEX ix_flow_run__state_type_coalesce_start_time;
DROP INDEX ix_flow_run__updated;
DROP INDEX ix_flow_run__work_queue_id;
DROP INDEX ix_flow_run__work_queue_name;
DROP INDEX ix_flow_run_name_case_insensitive;
DROP INDEX uq_flow_run__flow_id_idempotency_key;
DROP TABLE flow_run;

DROP INDEX ix_block_document__block_type_name__name;
DROP INDEX ix_block_document__is_anonymous;
DROP INDEX ix_block_document__name;
DROP INDEX ix_block_document__updated;
DROP INDEX ix_block_document_name_case_insensitive;
DROP INDEX uq_block__type_id_name;
DROP TABLE block_document;

DROP INDEX ix_block_schema__block_type_id;
DROP INDEX ix_block_schema__created;
DROP INDEX ix_block_schema__updated;
DROP INDEX uq_block_schema__checksum_version;
DROP TABLE block_schema;

DROP INDEX ix_block_type__updated;
DROP INDEX ix_block_type_name_case_insensitive;
DROP INDEX uq_block_type__slug;
DROP TABLE block_type;

DROP INDEX ix_flow__created;
DROP INDEX ix_flow__updated;
DROP INDEX ix_flow_name_case_insensitive;
DROP TABLE flow;

DROP INDEX ix_work_pool__type;
DROP INDEX ix_work_pool__updated;
DROP TABLE work_pool;

DROP INDEX ix_work_queue__updated;
DROP INDEX ix_work_queue__work_pool_id;
DROP INDEX ix_work_queue__work_pool_id_priority;
DROP TABLE work_queue;

DROP TABLE alembic_version;
