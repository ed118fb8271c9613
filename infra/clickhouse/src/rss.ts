// The process's real resident memory: what the kernel's OOM killer looks at.
export function processRssBytes(): number {
  return process.memoryUsage.rss();
}

/** ClickHouse's way of printing sizes: `1.52 GiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}
