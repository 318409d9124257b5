import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/app-config';
import { CONFIG_SCHEMA } from '../src/config/config.schema';

/**
 * Docker cannot run here, so docker-compose.yml and the Dockerfile are checked by reading:
 * the app services must configure the service only through real, valid settings.
 */

/** What an operator would put in .env for the required `${VAR:?…}` variables. */
const SAMPLES: Record<string, string> = {
  POSTGRES_PASSWORD: 'a-url-safe-password',
  ADMIN_API_KEYS: 'sk_compose-sample-key-0123456789,sk_compose-second-key-0123456789',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
};

/** Compose interpolation: ${VAR:?err} needs a sample, ${VAR:-default} takes its default, $$ is a dollar. */
function interpolate(value: string): string {
  return value
    .replace(
      /\$\{([A-Z0-9_]+)(?:(:?[?-])([^}]*))?\}/g,
      (_, name: string, op: string | undefined, arg: string | undefined) => {
        if (op?.endsWith('?')) {
          if (SAMPLES[name] === undefined)
            throw new Error(`required \${${name}} has no sample value in this test`);
          return SAMPLES[name];
        }
        if (op?.endsWith('-')) return arg ?? '';
        return SAMPLES[name] ?? '';
      },
    )
    .replace(/\$\$/g, '$');
}

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] | string };
  deploy?: { replicas?: number };
  volumes?: string[];
}

function environmentOf(service: ComposeService): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v)]));
}

/** Jest runs from the repository root (as app-config.spec.ts reads README.md). */
const root = process.cwd();
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const APP_SERVICES = ['api', 'worker'];

describe('docker-compose.yml', () => {
  it('runs postgres, api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'worker']);
  });

  describe.each(APP_SERVICES)('the %s service', (name) => {
    const service = compose.services[name];

    it('sets only variables the service reads', () => {
      const unknown = Object.keys(environmentOf(service)).filter((key) => !(key in CONFIG_SCHEMA));
      expect(unknown).toEqual([]);
    });

    it('passes configuration validation, in its role, against an external database', () => {
      const config = loadConfig(environmentOf(service));
      expect(config.ROLE).toBe(name);
      expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
    });

    it('forwards every setting an operator may change, from the shell or .env', () => {
      // Fixed by the compose file itself (network, role, port) or meaningless with an external database.
      const fixed = ['PORT', 'HOST', 'ROLE', 'DATABASE_URL', 'DATA_DIR', 'EMBEDDED_POSTGRES_PORT'];
      const raw = service.environment as Record<string, string>;
      const missing = Object.keys(CONFIG_SCHEMA).filter(
        (key) => !fixed.includes(key) && !String(raw[key] ?? '').startsWith(`\${${key}:`),
      );
      expect(missing).toEqual([]);
    });

    it('requires the secrets instead of shipping defaults', () => {
      const raw = service.environment as Record<string, string>;
      for (const key of ['ADMIN_API_KEYS', 'SECRETS_ENCRYPTION_KEY'])
        expect(raw[key]).toMatch(new RegExp(`^\\$\\{${key}:\\?`));
    });

    it('waits for a healthy postgres', () => {
      expect(service.depends_on?.postgres?.condition).toBe('service_healthy');
    });

    it('has a healthcheck on its own /health/ready', () => {
      expect(JSON.stringify(service.healthcheck?.test)).toContain('/health/ready');
      expect(JSON.stringify(service.healthcheck?.test)).toContain('process.env.PORT');
    });
  });

  it('publishes the API on port 3000', () => {
    expect(compose.services.api.ports?.some((p) => interpolate(p) === '3000:3000')).toBe(true);
  });

  it('scales the worker to several replicas, none publishing a port', () => {
    expect(compose.services.worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(compose.services.worker.ports).toBeUndefined();
  });

  it('runs PostgreSQL 16 or 17 with pg_isready and its data on a named volume', () => {
    const postgres = compose.services.postgres;
    expect(postgres.image).toMatch(/^postgres:1[67]\b/);
    expect(JSON.stringify(postgres.healthcheck?.test)).toContain('pg_isready');
    const volume = postgres.volumes?.[0]?.split(':')[0] ?? '';
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('builds on node:20-bookworm-slim in two stages', () => {
    expect(dockerfile.match(/^FROM node:20-bookworm-slim\b/gm)).toHaveLength(2);
  });

  it('installs from the lockfile, builds, and drops dev dependencies', () => {
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
  });

  it('runs as a non-root user with a healthcheck and node dist/main.js', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
  });
});
