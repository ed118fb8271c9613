import type { WindowSpec } from '@tributary/contracts';

/**
 * The windows [start, end) (epoch ms) containing event time `t`, oldest first. Windows are
 * aligned to the Unix epoch; a hopping window of size S and hop H starts at every multiple of H,
 * so an event belongs to S / H of them.
 */
export function windowsContaining(t: number, spec: WindowSpec): Array<[number, number]> {
  const size = spec.sizeSeconds * 1000;
  if (spec.type === 'tumbling') {
    const start = Math.floor(t / size) * size;
    return [[start, start + size]];
  }
  const hop = spec.hopSeconds * 1000;
  const out: Array<[number, number]> = [];
  const last = Math.floor(t / hop) * hop;
  for (let start = last - size + hop; start <= last; start += hop) {
    if (start + size > t) out.push([start, start + size]);
  }
  return out;
}
