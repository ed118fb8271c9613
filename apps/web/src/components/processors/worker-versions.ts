/** A worker's report, as the workers procedure returns it. */
export interface WorkerReport {
  instance: string;
  processors: Record<string, { version: number } | undefined>;
}

/** For one processor: each running version and how many workers run it, newest version first. */
export function versionsRunning(
  workers: readonly WorkerReport[],
  name: string,
): { version: number; workers: number }[] {
  const counts = new Map<number, number>();
  for (const w of workers) {
    const running = w.processors[name];
    if (running) counts.set(running.version, (counts.get(running.version) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[0] - a[0]).map(([version, n]) => ({ version, workers: n }));
}
