import net from 'node:net';

/**
 * A dependency-free readiness probe: one Kafka Metadata request (v4, the oldest version Kafka 4
 * still accepts) over a raw socket. A broker that answers it with itself in the broker list has
 * finished starting and is unfenced; the cluster id tells us it is our broker, not another one
 * that happens to listen on the same port.
 */
export interface MetadataProbeResult {
  clusterId: string | null;
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
}

const METADATA_API_KEY = 3;
const METADATA_VERSION = 4;

export function encodeMetadataRequest(correlationId: number, clientId: string): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  // header v1: api_key, api_version, correlation_id, client_id; body v4: topics (empty array), allow_auto_topic_creation
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length + 4 + 1);
  let o = 0;
  o = body.writeInt16BE(METADATA_API_KEY, o);
  o = body.writeInt16BE(METADATA_VERSION, o);
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(client.length, o);
  o += client.copy(body, o);
  o = body.writeInt32BE(0, o);
  body.writeInt8(0, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

export function decodeMetadataResponse(frame: Buffer, correlationId: number): MetadataProbeResult {
  let o = 0;
  const need = (n: number) => {
    if (o + n > frame.length) throw new Error('truncated metadata response');
  };
  const int32 = () => {
    need(4);
    const v = frame.readInt32BE(o);
    o += 4;
    return v;
  };
  const nullableString = (): string | null => {
    need(2);
    const len = frame.readInt16BE(o);
    o += 2;
    if (len < 0) return null;
    need(len);
    const s = frame.toString('utf8', o, o + len);
    o += len;
    return s;
  };
  if (int32() !== correlationId) throw new Error('metadata response for another request');
  int32(); // throttle_time_ms
  const count = int32();
  const brokers: MetadataProbeResult['brokers'] = [];
  for (let i = 0; i < count; i++) {
    const nodeId = int32();
    const host = nullableString() ?? '';
    const port = int32();
    nullableString(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = nullableString();
  const controllerId = int32();
  return { clusterId, brokers, controllerId };
}

export function probeMetadata(host: string, port: number, timeoutMs = 2000): Promise<MetadataProbeResult> {
  return new Promise((resolve, reject) => {
    const correlationId = 1;
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    const finish = (err: Error | null, result?: MetadataProbeResult) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    socket.setTimeout(timeoutMs, () =>
      finish(new Error(`no metadata answer from ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => socket.write(encodeMetadataRequest(correlationId, 'tributary-readiness')));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) return;
      try {
        finish(null, decodeMetadataResponse(buf.subarray(4, 4 + size), correlationId));
      } catch (err) {
        finish(err as Error);
      }
    });
    socket.on('close', () =>
      finish(new Error(`connection to ${host}:${port} closed before a metadata answer`)),
    );
  });
}
