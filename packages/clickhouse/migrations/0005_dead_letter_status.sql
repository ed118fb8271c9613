-- Dead letters stay as they arrived (the original is never rewritten); what happens to them
-- afterwards is a history of status changes beside them. An entry with no change is pending.
-- A replayed event that fails again is a new entry (replay_of names the old one) whose
-- attempts are one higher and whose first_failed_at is carried over.
ALTER TABLE {db}.dead_letters
    ADD COLUMN IF NOT EXISTS first_failed_at DateTime64(3, 'UTC') DEFAULT failed_at AFTER failed_at,
    ADD COLUMN IF NOT EXISTS replay_of String DEFAULT '' AFTER attempts;

-- The column held a constant 'pending': status now lives in dead_letter_status.
ALTER TABLE {db}.dead_letters DROP COLUMN IF EXISTS status;

-- Skip indexes for the console's filters that are not in the sorting key.
ALTER TABLE {db}.dead_letters
    ADD INDEX IF NOT EXISTS dl_event_id event_id TYPE bloom_filter(0.01) GRANULARITY 1,
    ADD INDEX IF NOT EXISTS dl_id id TYPE bloom_filter(0.01) GRANULARITY 1,
    ADD INDEX IF NOT EXISTS dl_event_type event_type TYPE set(256) GRANULARITY 1,
    ADD INDEX IF NOT EXISTS dl_source source TYPE set(256) GRANULARITY 1;

CREATE TABLE IF NOT EXISTS {db}.dead_letter_status
(
    id         String,
    status     LowCardinality(String),
    changed_at DateTime64(3, 'UTC'),
    actor      String,
    reason     String,
    replay_id  String,
    attempts   UInt32
)
ENGINE = MergeTree
ORDER BY (id, changed_at)
TTL toDateTime(changed_at) + INTERVAL 14 DAY;
