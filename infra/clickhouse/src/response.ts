// Writing a result as it is produced: optional compression, backpressure from the client (a
// slow reader slows the query down instead of filling memory), a deadline for a client that
// stops reading, and ClickHouse's mid-stream exception block.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import * as zlib from 'node:zlib';
import { ChError } from './ch-error.ts';

export type ResponseEncoding = 'gzip' | 'deflate' | 'br';

/** The encoding to answer with: only when the request enabled compression, as ClickHouse does. */
export function chooseEncoding(
  req: IncomingMessage,
  httpSettings: Record<string, string>,
): ResponseEncoding | undefined {
  const enabled = httpSettings.enable_http_compression;
  if (enabled !== '1' && enabled?.toLowerCase() !== 'true') return undefined;
  const accepted = String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .map((s) => s.split(';')[0]?.trim().toLowerCase());
  return accepted.find((e): e is ResponseEncoding => e === 'gzip' || e === 'deflate' || e === 'br');
}

export class ClientGoneError extends ChError {
  constructor(why: string) {
    super(394, 'QUERY_WAS_CANCELLED', why);
  }
}

export class ResponseWriter {
  #out: Writable | undefined;
  #bytes = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly opts: {
      encoding?: ResponseEncoding;
      level: number;
      sendTimeoutMs: number;
      head: boolean;
    },
  ) {}

  get bytesWritten(): number {
    return this.#bytes;
  }

  begin(status: number, headers: Record<string, string | string[]>): void {
    if (this.opts.encoding) headers['Content-Encoding'] = this.opts.encoding;
    this.res.writeHead(status, headers);
    if (this.opts.head) return;
    const { encoding } = this.opts;
    if (!encoding) {
      this.#out = this.res;
      return;
    }
    const compressor =
      encoding === 'gzip'
        ? zlib.createGzip({ level: this.opts.level })
        : encoding === 'deflate'
          ? zlib.createDeflate({ level: this.opts.level })
          : zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: this.opts.level } });
    compressor.pipe(this.res);
    compressor.once('error', () => this.res.destroy());
    this.#out = compressor;
  }

  /** Resolves once the chunk is accepted; waits while the client is behind. */
  async write(chunk: Uint8Array): Promise<void> {
    const out = this.#out;
    // NOTE: a socket that closed between two writes emits no further 'close' to wait for.
    if (this.res.destroyed)
      throw new ClientGoneError('Client closed the connection while reading the result');
    if (!out || chunk.byteLength === 0) return;
    this.#bytes += chunk.byteLength;
    if (out.write(chunk)) return;
    await this.#drained(out);
  }

  #drained(out: Writable): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        out.off('drain', onDrain);
        this.res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () =>
        done(new ClientGoneError('Client closed the connection while reading the result'));
      const timer = setTimeout(() => {
        const err = new ChError(
          209,
          'SOCKET_TIMEOUT',
          `Timeout exceeded while writing to socket: the client read nothing for ${this.opts.sendTimeoutMs} ms`,
        );
        this.res.destroy(err);
        done(err);
      }, this.opts.sendTimeoutMs);
      out.once('drain', onDrain);
      this.res.once('close', onClose);
    });
  }

  /** Ends the body; resolves when the last byte left. */
  end(last?: Uint8Array): Promise<void> {
    const out = this.#out;
    if (!out) {
      if (!this.res.writableEnded) this.res.end();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.res.once('close', () => resolve());
      this.res.once('finish', () => resolve());
      if (last) out.end(last);
      else out.end();
    });
  }
}
