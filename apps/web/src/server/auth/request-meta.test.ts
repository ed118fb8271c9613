import { describe, expect, it } from 'vitest';
import { requestMeta } from './request-meta.ts';

const meta = (headers: Record<string, string>) => requestMeta(new Headers(headers));

describe('requestMeta', () => {
  it('takes the first X-Forwarded-For hop, else X-Real-IP, when it is an address', () => {
    expect(meta({ 'x-forwarded-for': '203.0.113.7, 10.0.0.1' }).ip).toBe('203.0.113.7');
    expect(meta({ 'x-forwarded-for': '2001:db8::1' }).ip).toBe('2001:db8::1');
    expect(meta({ 'x-real-ip': '198.51.100.2' }).ip).toBe('198.51.100.2');
    expect(meta({ 'x-forwarded-for': 'not-an-ip', 'x-real-ip': '198.51.100.2' }).ip).toBeNull();
    expect(meta({}).ip).toBeNull();
  });

  it('keeps a well-formed X-Request-Id and replaces anything else with a new uuid', () => {
    expect(meta({ 'x-request-id': 'req-0123456789' }).requestId).toBe('req-0123456789');
    for (const bad of ['short', 'a'.repeat(129), 'has space inside', 'quote"injection']) {
      const id = meta({ 'x-request-id': bad }).requestId;
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(meta({}).requestId).not.toBe(meta({}).requestId);
  });

  it('keeps the user agent, cut at 512 characters', () => {
    expect(meta({ 'user-agent': 'curl/8.5' }).userAgent).toBe('curl/8.5');
    expect(meta({ 'user-agent': 'x'.repeat(600) }).userAgent).toHaveLength(512);
    expect(meta({}).userAgent).toBeNull();
  });
});
