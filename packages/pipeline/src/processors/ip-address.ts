/** IP text → numbers, without allocating for IPv4 (the common case on the hot path). */

/** The IPv4 address as an unsigned 32-bit number, or -1 when `s` is not a dotted quad. */
export function parseIpv4(s: string): number {
  let value = 0;
  let part = -1;
  let parts = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; // a virtual final '.'
    if (c === 46) {
      if (part < 0 || parts === 4) return -1;
      value = value * 256 + part;
      parts++;
      part = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros ("01"): some parsers read them as octal, so they are ambiguous.
      if (digits > 0 && part === 0) return -1;
      part = (part < 0 ? 0 : part) * 10 + (c - 48);
      if (part > 255 || ++digits > 3) return -1;
    } else return -1;
  }
  return parts === 4 ? value : -1;
}

const head = new Uint16Array(8);
const tail = new Uint16Array(8);

/**
 * Parses IPv6 text into `out` (four unsigned 32-bit words, most significant first) without
 * allocating: 6 for an IPv6 address, 4 for an IPv4-mapped one (::ffff:1.2.3.4, whose IPv4
 * number is then out[3]), 0 when `s` is not an address. A zone (%eth0) is ignored.
 */
export function parseIpv6Into(s: string, out: Uint32Array): 0 | 4 | 6 {
  let headN = 0;
  let tailN = 0;
  let double = false;
  let cur = 0;
  let digits = 0;
  let groupStart = 0;
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (end < 2 || end > 45) return 0;
  const push = (v: number): boolean => {
    if (headN + tailN >= 8) return false;
    if (double) tail[tailN++] = v;
    else head[headN++] = v;
    return true;
  };
  let i = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    const d =
      c >= 48 && c <= 57
        ? c - 48
        : c >= 97 && c <= 102
          ? c - 87
          : c >= 65 && c <= 70
            ? c - 55
            : c === 58
              ? -1
              : c === 46
                ? -2
                : -3;
    if (d >= 0) {
      if (++digits > 4) return 0;
      cur = cur * 16 + d;
    } else if (d === -1) {
      if (i + 1 < end && s.charCodeAt(i + 1) === 58) {
        if (double) return 0;
        if (digits > 0 && !push(cur)) return 0;
        if (digits === 0 && i !== 0) return 0;
        double = true;
        i++;
      } else {
        if (digits === 0 || !push(cur) || i + 1 === end) return 0;
      }
      cur = 0;
      digits = 0;
      groupStart = i + 1;
    } else if (d === -2) {
      const v4 = parseIpv4(s.slice(groupStart, end));
      if (v4 < 0 || !push(Math.floor(v4 / 65536)) || !push(v4 % 65536)) return 0;
      digits = 0;
      i = end;
      break;
    } else return 0;
  }
  if (digits > 0 && !push(cur)) return 0;
  if (double ? headN + tailN > 7 : headN !== 8) return 0;
  const h = (k: number): number => (k < headN ? head[k]! : k >= 8 - tailN ? tail[k - (8 - tailN)]! : 0);
  for (let w = 0; w < 4; w++) out[w] = (h(2 * w) * 65536 + h(2 * w + 1)) >>> 0;
  return out[0] === 0 && out[1] === 0 && out[2] === 0xffff ? 4 : 6;
}

const scratch = new Uint32Array(4);

/**
 * The IPv6 address as four unsigned 32-bit words (most significant first), or undefined. An
 * IPv4-mapped address (::ffff:1.2.3.4) is returned as `{ v4 }` so it is looked up as IPv4.
 */
export function parseIpv6(
  input: string,
): { words: [number, number, number, number] } | { v4: number } | undefined {
  const kind = parseIpv6Into(input, scratch);
  if (kind === 0) return undefined;
  if (kind === 4) return { v4: scratch[3]! };
  return { words: [scratch[0]!, scratch[1]!, scratch[2]!, scratch[3]!] };
}
