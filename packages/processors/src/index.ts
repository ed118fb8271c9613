/** Processors: versions, publishing, preview, lookup tables, and their ClickHouse output tables. */
export {};
