// Request bodies: decoded from their Content-Encoding, counted against a limit on decoded
// bytes (a small compressed body can inflate without bound), and cut when the client stops
// sending for too long.
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { ChError } from './ch-error.ts';

export function tooLarge(limit: number): ChError {
  return new ChError(
    307,
    'TOO_MANY_BYTES',
    `Request body is larger than the limit of ${limit} bytes (after decompression)`,
    413,
  );
}

class LimitBytes extends Transform {
  #seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.limit) done(tooLarge(this.limit));
    else done(null, chunk);
  }
}

function decoder(encoding: string): Transform | undefined {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new ChError(36, 'BAD_ARGUMENTS', `Unknown HTTP compression method '${encoding}'`);
  }
}

/**
 * The decoded body as a stream. `limit` bounds the decoded bytes; `receiveTimeoutMs` bounds
 * the silence between two pieces of it (the socket's idle timer, cleared once the body ended,
 * so a long-running query with nothing left to read is never cut).
 */
export function openBody(req: IncomingMessage, limit: number, receiveTimeoutMs: number): Readable {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decode = decoder(encoding);
  const limiter = new LimitBytes(limit);
  req.setTimeout(receiveTimeoutMs, () => {
    const err = new ChError(
      209,
      'SOCKET_TIMEOUT',
      `Timeout exceeded while reading the request body (${receiveTimeoutMs} ms without data)`,
    );
    limiter.destroy(err);
    req.destroy(err);
  });
  const clearTimer = () => req.setTimeout(0);
  req.once('end', clearTimer);
  req.once('close', clearTimer);
  const fail = (err: Error) =>
    limiter.destroy(
      err instanceof ChError
        ? err
        : new ChError(36, 'BAD_ARGUMENTS', `Cannot read request body: ${err.message}`),
    );
  req.once('error', fail);
  if (decode) {
    decode.once('error', fail);
    req.pipe(decode).pipe(limiter);
  } else {
    req.pipe(limiter);
  }
  return limiter;
}

/**
 * After a refusal, reads and drops what the client is still sending (up to `limit` bytes, until
 * it goes silent for `idleMs`), so it can read the answer instead of failing on a closed socket.
 * NOTE: the bound is on silence, as the receive timeout is: a bound on the whole drain cut a
 * client that was still sending steadily on a busy machine (it saw "other side closed").
 */
export async function discardRest(req: IncomingMessage, limit: number, idleMs: number): Promise<boolean> {
  if (req.complete || req.destroyed) return req.complete;
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) done(false);
      else timer.refresh();
    };
    const timer = setTimeout(() => done(false), idleMs);
    req.unpipe();
    req.on('data', onData);
    req.once('end', () => done(true));
    req.once('close', () => done(req.complete));
    req.resume();
  });
}

/** Reads a whole body, refusing one over `limit` bytes. */
export async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      body.destroy();
      throw tooLarge(limit);
    }
    chunks.push(b);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}
