export type DiffLine =
  | { kind: 'same'; text: string; left: number; right: number }
  | { kind: 'removed'; text: string; left: number }
  | { kind: 'added'; text: string; right: number };

// Schemas are a few hundred lines at most; beyond this the quadratic table is not worth it
// and the diff degrades to "everything removed, everything added".
const MAX_CELLS = 4_000_000;

/**
 * A line diff (longest common subsequence) of two texts; line numbers are 1-based. Within a
 * change, removed lines come before added ones, as in a unified diff.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [
      ...a.map((text, i): DiffLine => ({ kind: 'removed', text, left: i + 1 })),
      ...b.map((text, j): DiffLine => ({ kind: 'added', text, right: j + 1 })),
    ];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const left = a[i];
    const right = b[j];
    if (left !== undefined && right !== undefined && left === right) {
      out.push({ kind: 'same', text: left, left: i + 1, right: j + 1 });
      i++;
      j++;
    } else if (
      left !== undefined &&
      (right === undefined || (lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0))
    ) {
      out.push({ kind: 'removed', text: left, left: i + 1 });
      i++;
    } else if (right !== undefined) {
      out.push({ kind: 'added', text: right, right: j + 1 });
      j++;
    }
  }
  return out;
}

export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'added') added++;
    else if (l.kind === 'removed') removed++;
  }
  return { added, removed };
}
