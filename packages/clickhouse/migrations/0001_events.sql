-- The good stream. One row per event_id: workers drop redeliveries they already inserted
-- (Redis) and retry an interrupted batch with the same insert_deduplication_token, which
-- non_replicated_deduplication_window makes effective on a non-replicated table.
-- ReplacingMergeTree on event_id is the last line of defence (a merge folds any survivor).
CREATE TABLE IF NOT EXISTS {db}.events
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
ORDER BY (event_type, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
