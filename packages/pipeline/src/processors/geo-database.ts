import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseIpv4, parseIpv6Into } from './ip-address.ts';

/**
 * IP → country from @ip-location-db/geo-whois-asn-country (docs/decisions/geo-ip.md). Each
 * family's CSV is read once, on its first lookup, into sorted typed arrays of inclusive ranges;
 * a lookup is a binary search (no allocation for IPv4).
 */

const PACKAGE = '@ip-location-db/geo-whois-asn-country';

let packageDir: string | undefined;

function dataFile(name: string): string {
  packageDir ??= resolvePackageDir();
  return join(packageDir, name);
}

/**
 * Resolved by Node at run time, never by a bundler: the console's Turbopack build turns a literal
 * `createRequire(import.meta.url).resolve(...)` into a module id (a number, not a path), and
 * `import.meta.url` inside a bundle names the bundle, so the working directory is tried too.
 */
function resolvePackageDir(): string {
  const { createRequire } = process.getBuiltinModule('node:module');
  const spec = [PACKAGE, 'package.json'].join('/');
  for (const from of [import.meta.url, join(process.cwd(), 'index.js')]) {
    try {
      const found: unknown = createRequire(from).resolve(spec);
      if (typeof found === 'string') return dirname(found);
    } catch {
      // not resolvable from there: try the next place
    }
  }
  throw new Error(`${PACKAGE} is not installed: geo-IP lookups read their data from it`);
}

interface Ipv4Table {
  starts: Uint32Array;
  ends: Uint32Array;
  codes: Uint16Array;
  names: string[];
  /**
   * For each /16 prefix p, the number of ranges starting before p.0.0 (65,537 entries): the
   * search for an address then covers only the ranges near its /16 (a handful, in cache)
   * instead of 19 steps over 334k ranges, most of them cache misses.
   */
  byPrefix: Uint32Array;
}

interface Ipv6Table {
  /** Four words per range, most significant first. */
  starts: Uint32Array;
  ends: Uint32Array;
  codes: Uint16Array;
  names: string[];
}

let v4: Ipv4Table | undefined;
let v6: Ipv6Table | undefined;

function codeIndex(names: string[], byName: Map<string, number>, code: string): number {
  let i = byName.get(code);
  if (i === undefined) {
    i = names.length;
    names.push(code);
    byName.set(code, i);
  }
  return i;
}

/** Rows "start,end,CC" with numeric IPv4 bounds, in ascending order (as the package ships them). */
function loadIpv4(): Ipv4Table {
  const text = readFileSync(dataFile('geo-whois-asn-country-ipv4-num.csv'), 'utf8');
  const lines = text.split('\n');
  const starts = new Uint32Array(lines.length);
  const ends = new Uint32Array(lines.length);
  const codes = new Uint16Array(lines.length);
  const names: string[] = [];
  const byName = new Map<string, number>();
  let n = 0;
  for (const line of lines) {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    if (a < 0 || b < 0) continue;
    starts[n] = Number(line.slice(0, a));
    ends[n] = Number(line.slice(a + 1, b));
    codes[n] = codeIndex(names, byName, line.slice(b + 1).trim());
    n++;
  }
  const byPrefix = new Uint32Array(65_537);
  let row = 0;
  for (let p = 0; p <= 65_536; p++) {
    while (row < n && starts[row]! < p * 65_536) row++;
    byPrefix[p] = row;
  }
  return {
    starts: starts.subarray(0, n),
    ends: ends.subarray(0, n),
    codes: codes.subarray(0, n),
    names,
    byPrefix,
  };
}

function loadIpv6(): Ipv6Table {
  const text = readFileSync(dataFile('geo-whois-asn-country-ipv6.csv'), 'utf8');
  const lines = text.split('\n');
  const starts = new Uint32Array(lines.length * 4);
  const ends = new Uint32Array(lines.length * 4);
  const codes = new Uint16Array(lines.length);
  const names: string[] = [];
  const byName = new Map<string, number>();
  let n = 0;
  const w = new Uint32Array(4);
  for (const line of lines) {
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    if (a < 0 || b < 0) continue;
    if (parseIpv6Into(line.slice(0, a), w) !== 6) continue;
    starts.set(w, n * 4);
    if (parseIpv6Into(line.slice(a + 1, b), w) !== 6) continue;
    ends.set(w, n * 4);
    codes[n] = codeIndex(names, byName, line.slice(b + 1).trim());
    n++;
  }
  return {
    starts: starts.subarray(0, n * 4),
    ends: ends.subarray(0, n * 4),
    codes: codes.subarray(0, n),
    names,
  };
}

function lookupIpv4(ip: number): string | null {
  v4 ??= loadIpv4();
  const { starts, ends, codes, names, byPrefix } = v4;
  const p = ip >>> 16;
  // The range holding ip starts at or before it: at most one before its /16's first range.
  let lo = Math.max(0, byPrefix[p]! - 1);
  let hi = byPrefix[p + 1]! - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= ip) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || ends[found]! < ip) return null;
  return names[codes[found]!] ?? null;
}

/** -1, 0, 1 comparing four words of `arr` at row `row` with `w`. */
function compareRow(arr: Uint32Array, row: number, w: Uint32Array): number {
  for (let k = 0; k < 4; k++) {
    const a = arr[row * 4 + k]!;
    const b = w[k]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

function lookupIpv6(words: Uint32Array): string | null {
  v6 ??= loadIpv6();
  const { starts, ends, codes, names } = v6;
  let lo = 0;
  let hi = codes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compareRow(starts, mid, words) <= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || compareRow(ends, found, words) < 0) return null;
  return names[codes[found]!] ?? null;
}

/**
 * IPv4 ranges that are not on the public internet (RFC 6890: this network, private, CGNAT,
 * loopback, link-local, documentation, benchmarking, multicast, reserved) as [first, last].
 * NOTE: the shipped data assigns some of them a country (192.168.0.0/16 → AU in the 2026-06
 * release), which would give every office network a country; they answer null instead.
 */
const RESERVED_V4: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 0x00ffffff], // 0.0.0.0/8
  [0x0a000000, 0x0affffff], // 10.0.0.0/8
  [0x64400000, 0x647fffff], // 100.64.0.0/10
  [0x7f000000, 0x7fffffff], // 127.0.0.0/8
  [0xa9fe0000, 0xa9feffff], // 169.254.0.0/16
  [0xac100000, 0xac1fffff], // 172.16.0.0/12
  [0xc0000000, 0xc00000ff], // 192.0.0.0/24
  [0xc0000200, 0xc00002ff], // 192.0.2.0/24
  [0xc0a80000, 0xc0a8ffff], // 192.168.0.0/16
  [0xc6120000, 0xc613ffff], // 198.18.0.0/15
  [0xc6336400, 0xc63364ff], // 198.51.100.0/24
  [0xcb007100, 0xcb0071ff], // 203.0.113.0/24
  [0xe0000000, 0xffffffff], // multicast, reserved, broadcast
];

function isReservedIpv4(ip: number): boolean {
  for (const [lo, hi] of RESERVED_V4) if (ip >= lo && ip <= hi) return true;
  return false;
}

/** Loopback/unspecified (::/8 here, mapped IPv4 is handled before), ULA fc00::/7, link-local fe80::/10, documentation 2001:db8::/32, multicast ff00::/8. */
function isReservedIpv6(words: Uint32Array): boolean {
  const w0 = words[0]!;
  const top8 = w0 >>> 24;
  return top8 === 0 || top8 === 0xff || w0 >>> 25 === 0x7e || w0 >>> 22 === 0x3fa || w0 === 0x20010db8;
}

const words6 = new Uint32Array(4);

/** ISO 3166-1 alpha-2 country of an IPv4 or IPv6 address; null when unknown, not public or not an address. */
export function countryOfIp(ip: string): string | null {
  const n = parseIpv4(ip);
  if (n >= 0) return isReservedIpv4(n) ? null : lookupIpv4(n);
  if (!ip.includes(':')) return null;
  const kind = parseIpv6Into(ip, words6);
  if (kind === 0) return null;
  if (kind === 4) return isReservedIpv4(words6[3]!) ? null : lookupIpv4(words6[3]!);
  return isReservedIpv6(words6) ? null : lookupIpv6(words6);
}

/**
 * Loads the tables now (e.g. at worker start), so the first batch does not pay for it: IPv4
 * always, IPv6 (about 1 s of parsing) when asked.
 */
export function preloadGeoDatabase(opts: { ipv6?: boolean } = {}): {
  ipv4Ranges: number;
  ipv6Ranges: number;
} {
  v4 ??= loadIpv4();
  if (opts.ipv6) v6 ??= loadIpv6();
  return { ipv4Ranges: v4.starts.length, ipv6Ranges: v6?.codes.length ?? 0 };
}
