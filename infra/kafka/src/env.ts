import os from 'node:os';
import path from 'node:path';

/**
 * The one place this package reads the environment. The jar cache lives outside the work tree
 * so a fresh clone or `git clean` does not cost another Maven resolve.
 */
export function kafkaLibDirFromEnv(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env.TRIBUTARY_KAFKA_LIB?.trim();
  if (override) return path.resolve(override);
  return path.join(os.homedir(), '.cache', 'tributary', `kafka-${version}`, 'lib');
}

/** `java` from JAVA_HOME when set, else from PATH. */
export function javaBinFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.JAVA_HOME?.trim();
  return home ? path.join(home, 'bin', 'java') : 'java';
}
