import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { javaBinFromEnv } from './env.ts';
import { KAFKA_VERSION, resolveKafkaJars } from './jars.ts';
import { probeMetadata } from './metadata-probe.ts';
import { authenticatePlain, upsertScramCredentials, type PlainCredentials } from './sasl.ts';
import { renderServerProperties, type ScramMechanism } from './server-properties.ts';
import { KafkaWire } from './wire.ts';

export interface StartKafkaOptions {
  /** Client listener (PLAINTEXT) on 127.0.0.1. */
  port?: number;
  /** KRaft controller listener on 127.0.0.1. */
  controllerPort?: number;
  /** Holds server.properties, the KRaft logs and (by default) broker.log. Reused across starts. */
  dataDir: string;
  /** Broker stdout/stderr, appended. Default `<dataDir>/broker.log`. */
  logFile?: string;
  heapMb?: number;
  /** Deadline for the broker to answer a metadata request. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  /** Jar directory; default resolved (and cached) by resolveKafkaJars. */
  libDir?: string;
  onProgress?: (message: string) => void;
  /**
   * SASL/SCRAM on the client listener and ACLs enforced (docs/decisions/kafka-sasl-acls.md).
   * Absent: PLAINTEXT and no authorizer, as before.
   */
  auth?: BrokerAuth;
}

export interface BrokerAuth {
  /** Default SCRAM-SHA-256. */
  mechanism?: ScramMechanism;
  /** SCRAM users and their passwords, written at format time and set again on a reused data dir. */
  users: Record<string, string>;
  /** Users that bypass ACLs (the broker's own principal always does). */
  superUsers: string[];
}

/** The broker's own principal: controller quorum, inter-broker, readiness. Never a service's. */
export const BROKER_PRINCIPAL = 'broker';

export interface KafkaHandle {
  brokers: string[];
  pid: number;
  clusterId: string;
  logFile: string;
  /** Settles when the broker process ended, for whatever reason (stop() or a crash). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

interface BrokerState {
  clusterId: string;
  nodeId: number;
  kafkaVersion: string;
}

const NODE_ID = 1;
const STATE_FILE = 'tributary-broker.json';

export async function startKafka(opts: StartKafkaOptions): Promise<KafkaHandle> {
  const port = opts.port ?? 9092;
  const controllerPort = opts.controllerPort ?? 9093;
  const dataDir = path.resolve(opts.dataDir);
  const logFile = path.resolve(opts.logFile ?? path.join(dataDir, 'broker.log'));
  const heapMb = opts.heapMb ?? 768;
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  const progress = opts.onProgress ?? (() => {});
  const started = Date.now();

  // A broker already on the port would answer our readiness probe and fool us.
  await assertPortFree(port, 'Kafka client port');
  await assertPortFree(controllerPort, 'Kafka controller port');

  const libDir = await resolveKafkaJars({ libDir: opts.libDir, onProgress: progress });
  const kraftDir = path.join(dataDir, 'kraft');
  await mkdir(kraftDir, { recursive: true });
  await mkdir(path.dirname(logFile), { recursive: true });

  const state = await loadOrCreateState(dataDir);
  const propsFile = path.join(dataDir, 'server.properties');
  // The broker's own password lives only in server.properties and this process: a new one per
  // start, since nothing else ever logs in as the broker.
  const brokerLogin: PlainCredentials | undefined = opts.auth
    ? { username: BROKER_PRINCIPAL, password: randomBytes(24).toString('base64url') }
    : undefined;
  const mechanism = opts.auth?.mechanism ?? 'SCRAM-SHA-256';
  if (opts.auth && BROKER_PRINCIPAL in opts.auth.users)
    throw new Error(`"${BROKER_PRINCIPAL}" is the broker's own principal, not a SCRAM user`);
  // Rewritten on every start: ports may change between starts because the quorum is static
  // (controller.quorum.voters), not a voter set persisted at format time.
  await writeFile(
    propsFile,
    renderServerProperties({
      port,
      controllerPort,
      logDir: kraftDir,
      nodeId: state.nodeId,
      ...(opts.auth && brokerLogin
        ? {
            auth: {
              mechanism,
              brokerUser: brokerLogin.username,
              brokerPassword: brokerLogin.password,
              superUsers: [BROKER_PRINCIPAL, ...opts.auth.superUsers],
            },
          }
        : {}),
    }),
    { mode: 0o600 },
  );
  await chmod(propsFile, 0o600); // a file from an older start keeps its mode otherwise

  const java = javaBinFromEnv();
  const classpath = `${libDir}/*`;
  if (!existsSync(path.join(kraftDir, 'meta.properties'))) {
    progress(`formatting KRaft storage in ${kraftDir}`);
    await runFormat(java, classpath, state.clusterId, propsFile);
  }

  const log = await open(logFile, 'a');
  const logStart = (await stat(logFile)).size;
  await log.write(
    `\n==== tributary: starting Kafka ${state.kafkaVersion} on 127.0.0.1:${port} at ${new Date().toISOString()}\n`,
  );
  progress(`starting Kafka ${KAFKA_VERSION} on 127.0.0.1:${port} (log: ${logFile})`);
  const child = spawn(java, [...jvmArgs(heapMb), '-cp', classpath, 'kafka.Kafka', propsFile], {
    cwd: dataDir,
    stdio: ['ignore', log.fd, log.fd],
  });
  await log.close();

  // If this process dies without calling stop(), the broker still gets a clean SIGTERM instead
  // of running on as an orphan that holds the port and the data directory lock.
  const onParentExit = () => child.kill('SIGTERM');
  process.once('exit', onParentExit);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      process.removeListener('exit', onParentExit);
      resolve();
    });
  });
  child.once('error', (err) => progress(`java failed to start: ${err.message}`));

  try {
    await waitUntilReady({
      port,
      clusterId: state.clusterId,
      deadline: started + startTimeoutMs,
      hasExited: () => exited,
      auth: brokerLogin,
    });
    // NOTE: set over the wire on every start rather than with `kafka-storage format --add-scram`:
    // that would put every password on a command line (world-readable /proc/<pid>/cmdline), and
    // a data dir formatted earlier (before auth, or with other passwords) gets the current ones.
    if (opts.auth && brokerLogin && Object.keys(opts.auth.users).length > 0) {
      const wire = await KafkaWire.connect('127.0.0.1', port, 10_000);
      try {
        await authenticatePlain(wire, brokerLogin);
        await upsertScramCredentials(wire, mechanism, opts.auth.users);
      } finally {
        wire.close();
      }
    }
  } catch (err) {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    const tail = await readTail(logFile, logStart);
    throw new Error(`${(err as Error).message}\n--- last lines of ${logFile} ---\n${tail}`, { cause: err });
  }
  progress(`Kafka ready on 127.0.0.1:${port} after ${Date.now() - started} ms`);

  let stopping: Promise<void> | null = null;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 30_000;
  return {
    brokers: [`127.0.0.1:${port}`],
    pid: child.pid!,
    clusterId: state.clusterId,
    logFile,
    exited: exitPromise.then(() => exited ?? { code: null, signal: null }),
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
        await exitPromise;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function jvmArgs(heapMb: number): string[] {
  return [
    // NOTE: a fixed heap, touched at start. A heap that starts small grows towards -Xmx as the
    // broker's buffers age into the old generation: in a 30-minute soak RSS rose 419 → 512 MB
    // between minutes 5 and 24 and then stayed, which reads like a leak and is not one. Sized
    // once, the broker's memory is what it will be (as Kafka's own guidance has Xms = Xmx).
    `-Xmx${heapMb}m`,
    `-Xms${heapMb}m`,
    '-XX:+AlwaysPreTouch',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
    // The full config dumps (hundreds of lines per client and per start) bury what matters.
    '-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=warn',
    '-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaConfig=warn',
  ];
}

async function loadOrCreateState(dataDir: string): Promise<BrokerState> {
  const file = path.join(dataDir, STATE_FILE);
  if (existsSync(file)) {
    const raw = JSON.parse(await readFile(file, 'utf8')) as Partial<BrokerState>;
    if (typeof raw.clusterId !== 'string' || typeof raw.nodeId !== 'number') {
      throw new Error(`${file} is not a Tributary broker state file; move it away or use another data dir`);
    }
    return { clusterId: raw.clusterId, nodeId: raw.nodeId, kafkaVersion: raw.kafkaVersion ?? KAFKA_VERSION };
  }
  const state: BrokerState = { clusterId: newClusterId(), nodeId: NODE_ID, kafkaVersion: KAFKA_VERSION };
  await writeFile(file, JSON.stringify(state, null, 2) + '\n');
  return state;
}

/** Kafka cluster ids are 16 random bytes in unpadded URL-safe base64 (what `kafka-storage random-uuid` prints). */
function newClusterId(): string {
  return randomBytes(16).toString('base64url');
}

function runFormat(java: string, classpath: string, clusterId: string, propsFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      java,
      // NOTE: `--cluster-id=<id>`, not `-t <id>`: an id may start with '-', which the tool's
      // argument parser would then read as an option (seen: "expected one argument").
      [
        '-Xmx256m',
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        propsFile,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-6000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`cannot run ${java}: ${err.message}`)));
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`kafka StorageTool format exited with ${code}:\n${output}`));
    });
  });
}

async function waitUntilReady(p: {
  port: number;
  clusterId: string;
  deadline: number;
  hasExited: () => { code: number | null; signal: NodeJS.Signals | null } | null;
  auth?: PlainCredentials;
}): Promise<void> {
  let last = 'no answer yet';
  for (;;) {
    const exit = p.hasExited();
    if (exit) throw new Error(`Kafka exited during start (code ${exit.code}, signal ${exit.signal})`);
    if (Date.now() > p.deadline)
      throw new Error(`Kafka did not become ready on 127.0.0.1:${p.port} in time (${last})`);
    try {
      const meta = await probeMetadata('127.0.0.1', p.port, 2000, p.auth);
      if (meta.clusterId !== p.clusterId) {
        throw new Error(`port ${p.port} answers for cluster ${meta.clusterId}, expected ${p.clusterId}`);
      }
      if (meta.brokers.some((b) => b.nodeId === NODE_ID) && meta.controllerId >= 0) return;
      last = 'broker not registered yet';
    } catch (err) {
      if ((err as Error).message.includes('answers for cluster')) throw err;
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(`${what} 127.0.0.1:${port} is not free (${err.code}); is another broker running there?`),
      ),
    );
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve()));
  });
}

async function readTail(file: string, from: number, maxChars = 6000): Promise<string> {
  try {
    const text = (await readFile(file)).subarray(from).toString('utf8');
    return text.slice(-maxChars);
  } catch {
    return '(no log)';
  }
}
