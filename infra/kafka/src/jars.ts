import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaLibDirFromEnv } from './env.ts';

/**
 * Kafka release the project runs. Must match `kafka.version` in ../pom.xml (the pom's value is
 * overridden from here, so this constant wins). See docs/decisions/kafka-broker.md for why 4.3.1.
 */
export const KAFKA_VERSION = '4.3.1';

const POM_PATH = fileURLToPath(new URL('../pom.xml', import.meta.url));
// Written last, so a directory with it holds a complete copy (a Maven run that died half-way
// leaves no marker and is redone).
const COMPLETE_MARKER = '.tributary-complete';

export interface ResolveJarsOptions {
  version?: string;
  /** Where the jars go; default $TRIBUTARY_KAFKA_LIB or ~/.cache/tributary/kafka-<version>/lib. */
  libDir?: string;
  onProgress?: (message: string) => void;
}

export function isKafkaLibComplete(libDir: string, version: string = KAFKA_VERSION): boolean {
  return (
    existsSync(path.join(libDir, COMPLETE_MARKER)) &&
    existsSync(path.join(libDir, `kafka_2.13-${version}.jar`))
  );
}

/** Returns a directory of jars for `java -cp '<dir>/*'`, running Maven only when it is not cached yet. */
export async function resolveKafkaJars(opts: ResolveJarsOptions = {}): Promise<string> {
  const version = opts.version ?? KAFKA_VERSION;
  const libDir = path.resolve(opts.libDir ?? kafkaLibDirFromEnv(version));
  if (isKafkaLibComplete(libDir, version)) return libDir;

  opts.onProgress?.(`resolving Apache Kafka ${version} jars with Maven into ${libDir}`);
  await mkdir(path.dirname(libDir), { recursive: true });
  // Copy into a private directory and rename, so two processes resolving at once (a test run
  // beside `npm start`) never see each other's half-written directory.
  const staging = `${libDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await runMaven([
      '-q',
      '-B',
      '-f',
      POM_PATH,
      `-Dkafka.version=${version}`,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
    ]);
    const jars = (await readdir(staging)).filter((f) => f.endsWith('.jar'));
    if (!jars.includes(`kafka_2.13-${version}.jar`)) {
      throw new Error(`Maven finished but ${staging} has no kafka_2.13-${version}.jar`);
    }
    await writeFile(path.join(staging, COMPLETE_MARKER), `${jars.length} jars\n`);
    if (existsSync(libDir)) {
      if (isKafkaLibComplete(libDir, version)) return libDir; // another process won the race
      await rm(libDir, { recursive: true, force: true });
    }
    await rename(staging, libDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  opts.onProgress?.(`Kafka jars ready in ${libDir}`);
  return libDir;
}

function runMaven(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`cannot run mvn (is Maven installed?): ${err.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`mvn ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}
