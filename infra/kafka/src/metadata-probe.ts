import { authenticatePlain, type PlainCredentials } from './sasl.ts';
import { KafkaWire, Reader } from './wire.ts';

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
  const r = new Reader(frame);
  if (r.int32() !== correlationId) throw new Error('metadata response for another request');
  return decodeMetadataBody(r);
}

function decodeMetadataBody(r: Reader): MetadataProbeResult {
  r.int32(); // throttle_time_ms
  const count = r.int32();
  const brokers: MetadataProbeResult['brokers'] = [];
  for (let i = 0; i < count; i++) {
    const nodeId = r.int32();
    const host = r.nullableString() ?? '';
    const port = r.int32();
    r.nullableString(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = r.nullableString();
  const controllerId = r.int32();
  return { clusterId, brokers, controllerId };
}

/**
 * One Metadata request on a fresh connection. With `auth`, the connection first logs in with
 * SASL/PLAIN (a broker started with auth refuses anything else before that).
 */
export async function probeMetadata(
  host: string,
  port: number,
  timeoutMs = 2000,
  auth?: PlainCredentials,
): Promise<MetadataProbeResult> {
  const wire = await KafkaWire.connect(host, port, timeoutMs, 'tributary-readiness');
  try {
    if (auth) await authenticatePlain(wire, auth);
    // The request body of encodeMetadataRequest: no topics, no auto-creation.
    const body = await wire.request(METADATA_API_KEY, METADATA_VERSION, Buffer.from([0, 0, 0, 0, 0]), false);
    return decodeMetadataBody(new Reader(body));
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('closed'))
      throw new Error(`connection to ${host}:${port} closed before a metadata answer`, { cause: err });
    throw err;
  } finally {
    wire.close();
  }
}
