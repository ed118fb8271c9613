import { describe, expect, it } from 'vitest';
import { assertExposure, isLoopbackHost, metricsAllowed } from './exposure.ts';

describe('exposure', () => {
  it('knows the loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a wide listener without its credential, and names the setting', () => {
    expect(() =>
      assertExposure('workers', '127.0.0.1', { setting: 'METRICS_TOKEN', value: undefined }),
    ).not.toThrow();
    expect(() =>
      assertExposure('workers', '0.0.0.0', { setting: 'METRICS_TOKEN', value: undefined }),
    ).toThrow(/workers: refusing to listen on 0.0.0.0 without METRICS_TOKEN/);
    expect(() =>
      assertExposure('workers', '0.0.0.0', { setting: 'METRICS_TOKEN', value: 's3cret-token' }),
    ).not.toThrow();
  });

  it('checks a bearer token when one is configured', () => {
    expect(metricsAllowed(undefined, null)).toBe(true);
    expect(metricsAllowed('tok-1234567890abcd', null)).toBe(false);
    expect(metricsAllowed('tok-1234567890abcd', 'Bearer wrong')).toBe(false);
    expect(metricsAllowed('tok-1234567890abcd', 'Bearer tok-1234567890abcd')).toBe(true);
  });
});
