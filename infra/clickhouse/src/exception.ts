// Errors answered the way a ClickHouse server answers them, so @clickhouse/client raises a
// ClickHouseError with the engine's code and type.
import { ChError } from './ch-error.ts';
import { InvalidNameError } from './settings.ts';
import { formatBytes, processRssBytes } from './rss.ts';

export interface ChException {
  code: number;
  status: number;
  /** `Code: N. DB::Exception: <message>. (TYPE)` as ClickHouse prints it. */
  text: string;
}

// The statuses ClickHouse's exceptionCodeToHTTPStatus gives the codes seen here; anything else
// is a 500, as there.
const STATUS_BY_CODE = new Map<number, number>([
  [27, 400], // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  [36, 400], // BAD_ARGUMENTS
  [43, 400], // ILLEGAL_TYPE_OF_ARGUMENT
  [46, 404], // UNKNOWN_FUNCTION
  [47, 404], // UNKNOWN_IDENTIFIER
  [48, 501], // NOT_IMPLEMENTED
  [53, 400], // TYPE_MISMATCH
  [60, 404], // UNKNOWN_TABLE
  [62, 400], // SYNTAX_ERROR
  [73, 404], // UNKNOWN_FORMAT
  [81, 404], // UNKNOWN_DATABASE
  [115, 404], // UNKNOWN_SETTING
  [117, 400], // INCORRECT_DATA
  [130, 400], // CANNOT_READ_ARRAY_FROM_TEXT
  [159, 408], // TIMEOUT_EXCEEDED
  [456, 400], // UNKNOWN_QUERY_PARAMETER
  [497, 403], // ACCESS_DENIED
  [516, 403], // AUTHENTICATION_FAILED
]);

const ENGINE_TEXT_RE = /Code: (\d+)\. DB::Exception:/;
// chDB's memory tracker prints the RSS it last sampled, which it never samples (it reads a few
// MiB on a process using gigabytes): the figure is replaced with the process's real RSS.
const RSS_RE = /current RSS: [\d.]+ [KMGT]?i?B/;

export function toChException(err: unknown): ChException {
  if (err instanceof ChError) return build(err.code, `${err.message}. (${err.type})`, err.status);
  if (err instanceof InvalidNameError) return build(36, `${err.message}. (BAD_ARGUMENTS)`);
  const message = err instanceof Error ? err.message : String(err);
  const codeProp = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  const textMatch = ENGINE_TEXT_RE.exec(message);
  if (textMatch?.[1]) {
    const code = typeof codeProp === 'number' ? codeProp : Number(textMatch[1]);
    const text = message
      .slice(textMatch.index)
      .replace(RSS_RE, `current RSS: ${formatBytes(processRssBytes())}`);
    return { code, status: statusFor(code), text };
  }
  // Not an engine exception (e.g. chDB refused the call): STD_EXCEPTION, as the server would.
  const code = typeof codeProp === 'number' ? codeProp : 1001;
  return build(code, `${message.replace(/\.?\s*$/, '')}. (STD_EXCEPTION)`);
}

function build(code: number, rest: string, status?: number): ChException {
  return { code, status: status ?? statusFor(code), text: `Code: ${code}. DB::Exception: ${rest}` };
}

function statusFor(code: number): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}

/**
 * The block a ClickHouse server (25.11+) writes when a query fails after its result started:
 * the tag announced in `X-ClickHouse-Exception-Tag`, the message, and its length, so a client
 * can tell an error from data. @clickhouse/client reads it from the end of the last chunk.
 */
export function midStreamException(tag: string, text: string): Buffer {
  const message = `${text}\n`;
  return Buffer.from(
    `\r\n__exception__\r\n${tag}\r\n${message}${Buffer.byteLength(message)} ${tag}\r\n__exception__\r\n`,
  );
}
