-- Events per minute by type, kept up to date on insert, for the Live chart.
CREATE TABLE IF NOT EXISTS {db}.events_per_minute
(
    minute     DateTime('UTC'),
    event_type LowCardinality(String),
    events     UInt64
)
ENGINE = SummingMergeTree
ORDER BY (minute, event_type)
TTL minute + INTERVAL 30 DAY;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.events_per_minute_mv TO {db}.events_per_minute AS
SELECT toStartOfMinute(received_at) AS minute, event_type, count() AS events
FROM {db}.events
GROUP BY minute, event_type;
