/** The control topic: an outbox written in the same transaction as a change, a relay that publishes it, and one follower that dispatches records by kind. */
export {};
