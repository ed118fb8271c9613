import net from 'node:net';

/**
 * The few Kafka requests the broker's own tooling sends (readiness, SASL/PLAIN, SCRAM upserts)
 * over one raw socket, so this package needs no client library: requests go out in order and
 * each answer is matched by correlation id. Bodies are built and read by the callers.
 */
export class KafkaWire {
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { flexible: boolean; resolve: (b: Buffer) => void; reject: (e: Error) => void }
  >();
  private failure: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly where: string,
    private readonly clientId: string,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error(`connection to ${where} closed`)));
  }

  static connect(
    host: string,
    port: number,
    timeoutMs: number,
    clientId = 'tributary-broker',
  ): Promise<KafkaWire> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(timeoutMs, () => {
        socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
      });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new KafkaWire(socket, `${host}:${port}`, clientId));
      });
    });
  }

  /** Sends one request; resolves with the response body (after its header). */
  request(apiKey: number, version: number, body: Buffer, flexible: boolean): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextId++;
    const client = Buffer.from(this.clientId, 'utf8');
    const header = Buffer.alloc(10 + client.length + (flexible ? 1 : 0));
    let o = header.writeInt16BE(apiKey, 0);
    o = header.writeInt16BE(version, o);
    o = header.writeInt32BE(correlationId, o);
    o = header.writeInt16BE(client.length, o);
    o += client.copy(header, o);
    if (flexible) header.writeUInt8(0, o); // no tagged fields
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length, 0);
    return new Promise((resolve, reject) => {
      this.pending.set(correlationId, { flexible, resolve, reject });
      this.socket.write(Buffer.concat([size, header, body]));
    });
  }

  close(): void {
    this.failure ??= new Error('closed');
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const waiter = this.pending.get(id);
      if (!waiter) continue;
      this.pending.delete(id);
      try {
        const r = new Reader(frame, 4);
        if (waiter.flexible) r.skipTaggedFields();
        waiter.resolve(frame.subarray(r.offset));
      } catch (err) {
        waiter.reject(err as Error);
      }
    }
  }

  private fail(err: Error) {
    this.failure ??= err;
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}

/** Reads Kafka's primitive types from a buffer, with a clear error on truncation. */
export class Reader {
  constructor(
    private readonly b: Buffer,
    public offset = 0,
  ) {}
  private need(n: number) {
    if (this.offset + n > this.b.length) throw new Error('truncated Kafka response');
  }
  int8(): number {
    this.need(1);
    return this.b.readInt8(this.offset++);
  }
  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.b.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const byte = this.b.readUInt8(this.offset++);
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new Error('malformed varint in Kafka response');
  }
  nullableString(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.text(len);
  }
  compactNullableString(): string | null {
    const len = this.uvarint() - 1;
    return len < 0 ? null : this.text(len);
  }
  bytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    this.need(len);
    const v = this.b.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
  skipTaggedFields() {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
      this.offset += size;
    }
  }
  private text(len: number): string {
    this.need(len);
    const s = this.b.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return s;
  }
}

export function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v, 0);
  return b;
}
export function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v, 0);
  return b;
}
export function string(v: string): Buffer {
  const s = Buffer.from(v, 'utf8');
  return Buffer.concat([int16(s.length), s]);
}
export function bytes(v: Buffer): Buffer {
  return Buffer.concat([int32(v.length), v]);
}
export function uvarint(v: number): Buffer {
  const out: number[] = [];
  let n = v >>> 0;
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
export function compactString(v: string): Buffer {
  const s = Buffer.from(v, 'utf8');
  return Buffer.concat([uvarint(s.length + 1), s]);
}
export function compactBytes(v: Buffer): Buffer {
  return Buffer.concat([uvarint(v.length + 1), v]);
}
