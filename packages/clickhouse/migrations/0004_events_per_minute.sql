-- Events per minute by type, kept up to date on insert, for the Live chart.
-- NOTE: the dedup window matters here too. A retried events insert (same
-- insert_deduplication_token) is dropped in events, but the view's block still reaches this
-- table; ClickHouse (deduplicate_blocks_in_dependent_materialized_views, on by default)
-- drops it only if this table deduplicates as well. Without it, a retry double-counts.
CREATE TABLE IF NOT EXISTS {db}.events_per_minute
(
    minute     DateTime('UTC'),
    event_type LowCardinality(String),
    events     UInt64
)
ENGINE = SummingMergeTree
ORDER BY (minute, event_type)
TTL minute + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.events_per_minute_mv TO {db}.events_per_minute AS
SELECT toStartOfMinute(received_at) AS minute, event_type, count() AS events
FROM {db}.events
GROUP BY minute, event_type;
