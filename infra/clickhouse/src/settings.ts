// Which URL parameters of ClickHouse's HTTP interface are protocol, which are settings the
// HTTP layer itself implements, and which go to the engine as `SET`.

/** URL parameters that are part of the HTTP protocol, never engine settings. */
const PROTOCOL_PARAMS = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'compress',
  'decompress',
  'buffer_size',
  'client_protocol_version',
  'stacktrace',
]);

/**
 * Settings that only mean something to a ClickHouse HTTP server: buffering, compression,
 * progress headers and socket timeouts are done by this server. The engine rejects some of
 * these as unknown (wait_end_of_query is UNKNOWN_SETTING in chDB), so they never reach it.
 */
const HTTP_LAYER_SETTINGS = new Set([
  'wait_end_of_query',
  'http_wait_end_of_query',
  'enable_http_compression',
  'http_zlib_compression_level',
  'http_response_buffer_size',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms',
  'http_native_compression_disable_checksumming_on_decompress',
  'cancel_http_readonly_queries_on_client_close',
  'add_http_cors_header',
  'http_send_timeout',
  'http_receive_timeout',
]);

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SplitParams {
  /** Settings for the engine, raw text values as sent. */
  engineSettings: Record<string, string>;
  /** Settings this server implements itself. */
  httpSettings: Record<string, string>;
  /** `{name:Type}` query parameters, values in ClickHouse's text form as sent. */
  queryParams: Record<string, string>;
}

export function splitUrlParams(params: Iterable<[string, string]>): SplitParams {
  const out: SplitParams = { engineSettings: {}, httpSettings: {}, queryParams: {} };
  for (const [key, value] of params) {
    if (key.startsWith('param_')) {
      out.queryParams[key.slice('param_'.length)] = value;
    } else if (HTTP_LAYER_SETTINGS.has(key)) {
      out.httpSettings[key] = value;
    } else if (!PROTOCOL_PARAMS.has(key)) {
      out.engineSettings[key] = value;
    }
  }
  return out;
}

/** A ClickHouse single-quoted string literal whose content is exactly `raw`. */
export function quoteLiteral(raw: string): string {
  return `'${raw.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export class InvalidNameError extends Error {}

/**
 * One `SET` statement carrying the settings and the query parameters of a request.
 * Query parameters travel as `param_<name>` settings: the engine then parses each value from
 * its text form exactly as a ClickHouse server parses a `param_<name>` URL parameter, so what
 * @clickhouse/client escaped arrives unchanged. Values are quoted: the engine converts a
 * string to any setting's type.
 */
export function buildSetStatement(
  settings: Record<string, string>,
  queryParams: Record<string, string>,
): string | undefined {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (!NAME_RE.test(name)) throw new InvalidNameError(`Invalid setting name '${name}'`);
    parts.push(`${name} = ${quoteLiteral(value)}`);
  }
  for (const [name, value] of Object.entries(queryParams)) {
    if (!NAME_RE.test(name)) throw new InvalidNameError(`Invalid query parameter name '${name}'`);
    parts.push(`param_${name} = ${quoteLiteral(value)}`);
  }
  return parts.length === 0 ? undefined : `SET ${parts.join(', ')}`;
}

export function isValidIdentifier(name: string): boolean {
  return NAME_RE.test(name);
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
