// Validates docker-compose.yml with the real Compose implementation. No engine is needed:
// `config` only parses, interpolates and checks the file against the Compose schema.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const composeFile = join(root, 'docker-compose.yml');

interface Compose {
  label: string;
  run: (args: string[]) => { status: number | null; stdout: string; stderr: string };
  /** The rendered config as an object (v2 prints JSON; v1 only YAML, read with its own PyYAML). */
  rendered: () => RenderedConfig;
}

interface RenderedService {
  image?: string;
  build?: { context: string; dockerfile?: string };
  ports?: (string | { host_ip?: string; published?: string | number; target: number })[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  command?: string[] | string;
  environment?: Record<string, string | null>;
  volumes?: unknown[];
}
interface RenderedConfig {
  services: Record<string, RenderedService>;
}

function exec(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    input,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return {
    status: r.error ? null : r.status,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? String(r.error ?? ''),
  };
}

// NOTE: Compose v2 is the `docker compose` plugin. Debian 12 packages only Compose v1
// (`apt-get install docker-compose`), which validates the same Compose Specification file;
// either is accepted, v2 preferred.
function findCompose(): Compose {
  const docker = exec('docker', ['--version']);
  if (docker.status === null) {
    throw new Error('the `docker` CLI is not installed: it is needed to validate docker-compose.yml');
  }
  const base = ['-f', composeFile];
  if (exec('docker', ['compose', 'version']).status === 0) {
    const run = (args: string[]) => exec('docker', ['compose', ...base, ...args]);
    return {
      label: 'docker compose (v2)',
      run,
      rendered: () => JSON.parse(run(['config', '--format', 'json']).stdout) as RenderedConfig,
    };
  }
  if (exec('docker-compose', ['version']).status === 0) {
    const run = (args: string[]) => exec('docker-compose', [...base, ...args]);
    return {
      label: 'docker-compose (v1)',
      run,
      rendered: () => {
        const yaml = run(['config']).stdout;
        const json = exec(
          'python3',
          ['-c', 'import json,sys,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
          yaml,
        );
        if (json.status !== 0) throw new Error(`could not read the rendered YAML: ${json.stderr}`);
        return JSON.parse(json.stdout) as RenderedConfig;
      },
    };
  }
  throw new Error(
    'neither `docker compose` (v2 plugin) nor `docker-compose` (v1) is available; ' +
      'on Debian: apt-get install -y --no-install-recommends docker-compose',
  );
}

function hostPorts(service: RenderedService): string[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'string') return p.replace(/\/tcp$/, '');
    return `${p.host_ip ?? ''}:${String(p.published ?? '')}:${p.target}`;
  });
}

describe('docker-compose.yml', () => {
  const compose = findCompose();

  it(`is valid for ${compose.label}`, () => {
    const r = compose.run(['config', '--quiet']);
    expect(r.stderr.trim(), `config --quiet printed errors`).toBe('');
    expect(r.status).toBe(0);
  });

  const config = compose.rendered();
  const services = config.services;

  it('has the infrastructure, the migrate job and the four apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['clickhouse', 'ingest', 'jobs', 'kafka', 'migrate', 'postgres', 'redis', 'web', 'workers'].sort(),
    );
    expect(services.kafka?.image).toMatch(/^apache\/kafka:/);
    expect(services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(services.postgres?.image).toMatch(/^postgres:1[56]/);
    expect(services.redis?.image).toMatch(/^redis:7/);
  });

  it('publishes the documented ports on the host loopback', () => {
    expect(hostPorts(services.ingest!)).toEqual(['127.0.0.1:8080:8080']);
    expect(hostPorts(services.web!)).toEqual(['127.0.0.1:3000:3000']);
    expect(hostPorts(services.kafka!)).toEqual(['127.0.0.1:9092:9092']);
    expect(hostPorts(services.clickhouse!)).toEqual(['127.0.0.1:8123:8123']);
    expect(hostPorts(services.postgres!)).toEqual(['127.0.0.1:5432:5432']);
    expect(hostPorts(services.redis!)).toEqual(['127.0.0.1:6379:6379']);
  });

  it('builds the apps from their Dockerfiles with the repository root as context', () => {
    for (const name of ['ingest', 'workers', 'web', 'jobs', 'migrate']) {
      const build = services[name]?.build;
      expect(build, name).toBeDefined();
      expect(build!.context).toBe(root);
      expect(existsSync(join(root, build!.dockerfile ?? 'Dockerfile')), `${name}: ${build!.dockerfile}`).toBe(
        true,
      );
    }
  });

  it('starts the apps only after migrate succeeded and the dependencies are healthy', () => {
    for (const name of ['ingest', 'workers', 'web', 'jobs']) {
      const deps = services[name]?.depends_on ?? {};
      expect(deps.migrate?.condition, name).toBe('service_completed_successfully');
      for (const infra of ['kafka', 'clickhouse', 'postgres', 'redis']) {
        expect(deps[infra]?.condition, `${name} -> ${infra}`).toBe('service_healthy');
      }
    }
    for (const name of ['kafka', 'clickhouse', 'postgres', 'redis', 'ingest', 'workers', 'web', 'jobs']) {
      expect(services[name]?.healthcheck, `${name} healthcheck`).toBeDefined();
    }
  });

  it('gives every app the shared connection settings', () => {
    for (const name of ['ingest', 'workers', 'web', 'jobs', 'migrate']) {
      const env = services[name]?.environment ?? {};
      for (const key of ['KAFKA_BROKERS', 'CLICKHOUSE_URL', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL']) {
        expect(env[key], `${name}.${key}`).toBeTruthy();
      }
      expect(env.DATABASE_URL).toMatch(/@postgres:5432\/tributary$/);
    }
  });

  it('signs every app in to ClickHouse as its own user, defined in the mounted users file', () => {
    const usersXml = readFileSync(join(root, 'infra/compose/clickhouse-users.xml'), 'utf8');
    expect(usersXml).toContain('<default remove="remove" />');
    const expected = {
      migrate: 'tributary_admin',
      ingest: 'tributary_ingest',
      workers: 'tributary_workers',
      web: 'tributary_console',
      jobs: 'tributary_jobs',
    };
    for (const [name, user] of Object.entries(expected)) {
      const env = services[name]?.environment ?? {};
      expect(env.CLICKHOUSE_USER, name).toBe(user);
      expect(env.CLICKHOUSE_PASSWORD, name).toBeTruthy();
      expect(usersXml).toContain(`<${user}>`);
    }
    // Only the admin may change tables; the console reads and writes dead-letter statuses.
    expect(usersXml.match(/GRANT ALL/g)).toHaveLength(1);
    expect(services.web?.environment?.CLICKHOUSE_DDL_USER).toBe('tributary_admin');
    const mounts = JSON.stringify(services.clickhouse?.volumes ?? []);
    expect(mounts).toContain('clickhouse-users.xml');
  });

  it('migrates Postgres and ClickHouse and creates topics with scripts that exist', () => {
    const command = ([] as string[]).concat(services.migrate?.command ?? []).join(' ');
    for (const script of [
      'packages/db/src/migrate-cli.ts',
      'packages/clickhouse/src/migrate-cli.ts',
      'scripts/create-topics.ts',
    ]) {
      expect(command).toContain(script);
      expect(existsSync(join(root, script)), `${script} is missing`).toBe(true);
    }
  });
});
