-- An event is (source, event_type, event_id): two sources may use the same event_id without
-- one folding the other away in the ReplacingMergeTree (docs/decisions/event-identity.md).
-- A sorting key cannot gain a column in the middle, so the rows move to a new table that is
-- then swapped in under the old name. The swap is one EXCHANGE (atomic on the Atomic database
-- engine, the default of ClickHouse and of the embedded server); grants and the
-- events_per_minute view name the table, so they follow it. The copy runs before any service
-- starts (npm start and the test fixtures migrate first), so no insert can fall between.
--
-- NOTE: DDL is not transactional and this file cannot be undone by running it again. The first
-- statement refuses to run once `events` is keyed by source: after a crash inside this file,
-- check `events` (sorting_key in system.tables), drop a leftover events_keyed_by_source (it
-- then holds the old copy) and record version 6 in schema_migrations by hand.
SELECT throwIf(count() > 0, 'migration 0006: {db}.events is already keyed by source (see the comment in 0006_events_keyed_by_source.sql)')
FROM system.tables
WHERE database = '{db}' AND name = 'events' AND sorting_key != 'event_type, event_id';

CREATE TABLE IF NOT EXISTS {db}.events_keyed_by_source
(
    event_id       String,
    event_type     LowCardinality(String),
    timestamp      DateTime64(3, 'UTC'),
    user_id        Nullable(String),
    data           JSON,
    metadata       JSON,
    source         LowCardinality(String),
    schema_version Nullable(UInt32),
    received_at    DateTime64(3, 'UTC'),
    processed_at   DateTime64(3, 'UTC'),
    inserted_at    DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(timestamp)
-- event_type first, as before: the console's per-type filters still read a key prefix.
ORDER BY (event_type, source, event_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- A copy left by an interrupted earlier attempt (not swapped yet) is emptied first.
TRUNCATE TABLE {db}.events_keyed_by_source;

INSERT INTO {db}.events_keyed_by_source
SELECT event_id, event_type, timestamp, user_id, data, metadata, source, schema_version,
       received_at, processed_at, inserted_at
FROM {db}.events;

EXCHANGE TABLES {db}.events AND {db}.events_keyed_by_source;

-- Now the old table, its rows all copied.
DROP TABLE {db}.events_keyed_by_source;
