// Runs Kafka's own admin tools (the classes behind kafka-consumer-groups.sh, kafka-topics.sh and
// kafka-get-offsets.sh) so integration tests can compare the console's figures with them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KAFKA_VERSION } from '@tributary/kafka-broker';

const run = promisify(execFile);
const POM = fileURLToPath(new URL('../../tools/pom.xml', import.meta.url));
const MARKER = '.tributary-complete';

/** The tools' classpath directory, resolved with Maven once and cached beside the broker's jars. */
export async function resolveKafkaToolsJars(version = KAFKA_VERSION): Promise<string> {
  const dir = path.join(os.homedir(), '.cache', 'tributary', `kafka-tools-${version}`, 'lib');
  if (existsSync(path.join(dir, MARKER))) return dir;
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await run(
      'mvn',
      [
        '-q',
        '-B',
        '-f',
        POM,
        `-Dkafka.version=${version}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${staging}`,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(path.join(staging, MARKER), 'ok\n');
    // Another process may have finished first; either copy is complete.
    if (!existsSync(path.join(dir, MARKER))) {
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Runs one tool class with a modest heap; resolves with its stdout. */
export async function runKafkaTool(libDir: string, mainClass: string, args: string[]): Promise<string> {
  const { stdout } = await run('java', ['-Xmx256m', '-cp', `${libDir}/*`, mainClass, ...args], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout;
}

/** The rows of a whitespace-aligned table whose header starts with `firstColumn`, as column → value. */
export function parseToolTable(stdout: string, firstColumn: string): Record<string, string>[] {
  const lines = stdout.split('\n').map((l) => l.trim());
  const rows: Record<string, string>[] = [];
  let header: string[] | null = null;
  for (const line of lines) {
    if (line === '') continue;
    const cells = line.split(/\s+/);
    if (cells[0] === firstColumn) {
      header = cells;
      continue;
    }
    if (!header || cells.length !== header.length) continue;
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}
