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

/**
 * The IPv6 address as four unsigned 32-bit words (most significant first), or undefined. An
 * IPv4-mapped address (::ffff:1.2.3.4) is returned as `{ v4 }` so it is looked up as IPv4.
 */
export function parseIpv6(
  input: string,
): { words: [number, number, number, number] } | { v4: number } | undefined {
  const zone = input.indexOf('%');
  const s = zone >= 0 ? input.slice(0, zone) : input;
  if (s.length < 2 || s.length > 45) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  let v4: number | undefined;
  const last = (halves.length === 2 ? tail : head).at(-1);
  const groups = halves.length === 2 ? tail : head;
  if (last !== undefined && last.includes('.')) {
    v4 = parseIpv4(last);
    if (v4 < 0) return undefined;
    groups.pop();
  }
  const hextets: number[] = [];
  const parseGroup = (g: string): number => (/^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : -1);
  const headVals = head.map(parseGroup);
  const tailVals = tail.map(parseGroup);
  if (headVals.includes(-1) || tailVals.includes(-1)) return undefined;
  const v4Groups = v4 === undefined ? 0 : 2;
  const missing = 8 - headVals.length - tailVals.length - v4Groups;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  hextets.push(...headVals, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tailVals);
  if (v4 !== undefined) hextets.push(Math.floor(v4 / 65536), v4 % 65536);
  const w = (i: number) => (hextets[i]! * 65536 + hextets[i + 1]!) >>> 0;
  const words: [number, number, number, number] = [w(0), w(2), w(4), w(6)];
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { v4: words[3] };
  return { words };
}
