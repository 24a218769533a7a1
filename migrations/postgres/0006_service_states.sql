-- The service-use workflow (API.md §5): each service of an appKey is
-- NOT_ENABLED, IN_PROGRESS (a use request waits for an operator) or
-- ENABLED. The state replaces the 0/1 `enabled` column.
ALTER TABLE app_key_services ADD COLUMN state TEXT NOT NULL DEFAULT 'NOT_ENABLED';
UPDATE app_key_services SET state = 'ENABLED' WHERE enabled <> 0;
ALTER TABLE app_key_services DROP COLUMN enabled;
-- When the state last changed (Unix seconds; 0 before this migration).
ALTER TABLE app_key_services ADD COLUMN state_changed_at BIGINT NOT NULL DEFAULT 0;
