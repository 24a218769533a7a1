-- The business status table of API.md §4.6, loaded by
-- `docrec admin import-business-status FILE.csv`: one row per business
-- registration number (ten digits, no hyphens).
CREATE TABLE business_status (
    business_number TEXT PRIMARY KEY NOT NULL,
    status_code TEXT NOT NULL,
    status_message TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
