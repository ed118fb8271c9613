import { TributaryError } from '@tributary/contracts';

/**
 * The request body parsed as JSON, read no further than `limitBytes` (a larger body is a 413
 * before it is buffered whole). A Content-Type other than JSON is a 415.
 */
export async function readJson(req: Request, limitBytes: number): Promise<unknown> {
  const type = req.headers.get('content-type');
  if (type !== null && !/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new TributaryError(
      'unsupported_media_type',
      `send JSON (Content-Type: application/json), got ${type}`,
    );
  }
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const text = await readText(req, limitBytes);
  if (text.trim() === '')
    throw new TributaryError('bad_request', 'request body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TributaryError(
      'bad_request',
      `request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function tooLarge(limitBytes: number): TributaryError {
  return new TributaryError('payload_too_large', `request body is larger than ${limitBytes} bytes`, {
    limit: limitBytes,
  });
}

async function readText(req: Request, limitBytes: number): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
