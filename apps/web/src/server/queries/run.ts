export { selectRows, type QueryTarget } from '@tributary/clickhouse';
