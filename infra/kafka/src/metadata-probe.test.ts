import { describe, expect, it } from 'vitest';
import { decodeMetadataResponse, encodeMetadataRequest } from './metadata-probe.ts';
import { renderServerProperties } from './server-properties.ts';

describe('metadata probe', () => {
  it('encodes a Metadata v4 request for no topics', () => {
    const req = encodeMetadataRequest(7, 'c');
    expect(req.readInt32BE(0)).toBe(req.length - 4);
    expect(req.readInt16BE(4)).toBe(3); // Metadata
    expect(req.readInt16BE(6)).toBe(4); // v4
    expect(req.readInt32BE(8)).toBe(7);
  });

  it('decodes brokers, cluster id and controller', () => {
    const host = Buffer.from('127.0.0.1');
    const cluster = Buffer.from('abc');
    const parts = [
      int32(7), // correlation id
      int32(0), // throttle
      int32(1), // one broker
      int32(1),
      int16(host.length),
      host,
      int32(9092),
      int16(-1), // rack null
      int16(cluster.length),
      cluster,
      int32(1), // controller
      int32(0), // no topics
    ];
    expect(decodeMetadataResponse(Buffer.concat(parts), 7)).toEqual({
      clusterId: 'abc',
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }],
      controllerId: 1,
    });
  });
});

describe('server.properties', () => {
  it('binds loopback only, disables auto-creation and uses one replica for internal topics', () => {
    const props = renderServerProperties({ port: 1, controllerPort: 2, logDir: '/d', nodeId: 1 });
    expect(props).toContain('listeners=PLAINTEXT://127.0.0.1:1,CONTROLLER://127.0.0.1:2\n');
    expect(props).toContain('controller.quorum.voters=1@127.0.0.1:2\n');
    expect(props).toContain('auto.create.topics.enable=false\n');
    expect(props).toContain('offsets.topic.replication.factor=1\n');
    expect(props).toContain('transaction.state.log.replication.factor=1\n');
  });
});

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}
function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
