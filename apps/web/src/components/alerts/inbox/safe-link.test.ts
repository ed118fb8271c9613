import { describe, expect, it } from 'vitest';
import { safeHref } from './safe-link.ts';

describe('safeHref', () => {
  it('keeps http(s) and same-site links', () => {
    expect(safeHref('http://127.0.0.1:3000/lineage?focus=source%3Ademo')).toBe(
      'http://127.0.0.1:3000/lineage?focus=source%3Ademo',
    );
    expect(safeHref('https://console.example/dashboards/x#panel-1')).toBe(
      'https://console.example/dashboards/x#panel-1',
    );
    expect(safeHref('/lineage?focus=ingest')).toBe('/lineage?focus=ingest');
  });

  it('drops scripts, data, protocol-relative and unreadable links', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<b>x</b>')).toBeNull();
    expect(safeHref('//evil.example/x')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});
