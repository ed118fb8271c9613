// Errors answered the way a ClickHouse server answers them, so @clickhouse/client raises a
// ClickHouseError with the engine's code and type.
import { BadRequestError } from './http-request.ts';
import { InvalidNameError } from './settings.ts';

export interface ChException {
  code: number;
  status: number;
  /** `Code: N. DB::Exception: <message>. (TYPE)` as ClickHouse prints it. */
  text: string;
}

// The statuses a ClickHouse server uses for the commonest codes; anything else is a 500.
const STATUS_BY_CODE = new Map<number, number>([
  [27, 400], // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  [36, 400], // BAD_ARGUMENTS
  [43, 400], // ILLEGAL_TYPE_OF_ARGUMENT
  [46, 404], // UNKNOWN_FUNCTION
  [47, 404], // UNKNOWN_IDENTIFIER
  [53, 400], // TYPE_MISMATCH
  [60, 404], // UNKNOWN_TABLE
  [62, 400], // SYNTAX_ERROR
  [73, 400], // UNKNOWN_FORMAT
  [81, 404], // UNKNOWN_DATABASE
  [115, 400], // UNKNOWN_SETTING
  [117, 400], // INCORRECT_DATA
  [130, 400], // CANNOT_READ_ARRAY_FROM_TEXT
  [159, 500], // TIMEOUT_EXCEEDED
  [164, 403], // READONLY
  [456, 400], // UNKNOWN_QUERY_PARAMETER
]);

const ENGINE_TEXT_RE = /Code: (\d+)\. DB::Exception:/;

export function toChException(err: unknown): ChException {
  if (err instanceof BadRequestError) return build(err.code, `${err.message}. (${err.type})`);
  if (err instanceof InvalidNameError) return build(36, `${err.message}. (BAD_ARGUMENTS)`);
  const message = err instanceof Error ? err.message : String(err);
  const codeProp = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  const textMatch = ENGINE_TEXT_RE.exec(message);
  if (textMatch?.[1]) {
    const code = typeof codeProp === 'number' ? codeProp : Number(textMatch[1]);
    return { code, status: statusFor(code), text: message.slice(textMatch.index) };
  }
  // Not an engine exception (e.g. chDB refused the call): STD_EXCEPTION, as the server would.
  const code = typeof codeProp === 'number' ? codeProp : 1001;
  return build(code, `${message.replace(/\.?\s*$/, '')}. (STD_EXCEPTION)`);
}

function build(code: number, rest: string): ChException {
  return { code, status: statusFor(code), text: `Code: ${code}. DB::Exception: ${rest}` };
}

function statusFor(code: number): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}
