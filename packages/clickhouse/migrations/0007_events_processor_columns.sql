-- What a processor with the 'events' output adds to the events it keeps: its steps' `derived`
-- fields and which processor version wrote the row. Inserts that do not name these columns
-- (every writer before processors, and events no processor handles) get the defaults: `{}`,
-- '' and 0, so old row builders stay valid.
ALTER TABLE {db}.events ADD COLUMN IF NOT EXISTS derived JSON AFTER metadata;

ALTER TABLE {db}.events ADD COLUMN IF NOT EXISTS processor LowCardinality(String) DEFAULT '' AFTER schema_version;

ALTER TABLE {db}.events ADD COLUMN IF NOT EXISTS processor_version UInt32 DEFAULT 0 AFTER processor;
