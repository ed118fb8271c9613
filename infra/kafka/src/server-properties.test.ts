import { describe, expect, it } from 'vitest';
import { renderServerProperties } from './server-properties.ts';

const base = { port: 9092, controllerPort: 9093, logDir: '/tmp/k', nodeId: 1 };
const auth = {
  mechanism: 'SCRAM-SHA-256' as const,
  brokerUser: 'broker',
  brokerPassword: 'pw-0123456789',
  superUsers: ['broker', 'admin'],
};

function parse(text: string): Map<string, string> {
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('server.properties with auth', () => {
  it('authenticates every listener and enforces ACLs with no open default', () => {
    const p = parse(renderServerProperties({ ...base, auth }));
    expect(p.get('listener.security.protocol.map')).toBe('CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT');
    expect(p.get('listeners')).toBe('CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(p.get('listener.name.client.sasl.enabled.mechanisms')).toBe('SCRAM-SHA-256,PLAIN');
    expect(p.get('listener.name.controller.sasl.enabled.mechanisms')).toBe('PLAIN');
    expect(p.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(p.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(p.get('super.users')).toBe('User:broker;User:admin');
    // PLAIN knows the broker only: no service can log in with it.
    const jaas = p.get('listener.name.client.plain.sasl.jaas.config')!;
    expect(jaas.match(/user_\w+=/g)).toEqual(['user_broker=']);
  });

  it('refuses a password that could break out of the JAAS quote or the line', () => {
    expect(() =>
      renderServerProperties({ ...base, auth: { ...auth, brokerPassword: 'a" user_x="y' } }),
    ).toThrow(/must be/);
    expect(() => renderServerProperties({ ...base, auth: { ...auth, brokerPassword: 'a\nb=c' } })).toThrow(
      /must be/,
    );
  });

  it('without auth stays PLAINTEXT with no authorizer', () => {
    const p = parse(renderServerProperties(base));
    expect(p.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT');
    expect(p.has('authorizer.class.name')).toBe(false);
  });
});
