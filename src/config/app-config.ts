import { z } from 'zod';
import { CONFIG_SCHEMA, ConfigKey } from './config.schema';

type Parsed = { [K in ConfigKey]: z.output<(typeof CONFIG_SCHEMA)[K]['schema']> };

/** The typed, validated configuration, read once at start-up and injected as `AppConfig`. */
export type AppConfig = Readonly<Parsed>;

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses an environment (normally `process.env`, passed in by main.ts) into an AppConfig. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) {
    const spec = CONFIG_SCHEMA[key];
    const raw = env[key] === undefined || env[key] === '' ? spec.default : env[key];
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (result.success) {
      out[key] = result.data;
    } else {
      const shown =
        key.includes('KEY') ||
        key.includes('TOKEN') ||
        key.includes('HEADERS') ||
        key === 'DATABASE_URL'
          ? '(hidden)'
          : JSON.stringify(raw);
      problems.push(`${key}=${shown}: ${result.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length === 0) problems.push(...crossProblems(out as Parsed));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as AppConfig;
}

/** Rules between variables, checked once each variable is valid on its own. */
function crossProblems(config: Parsed): string[] {
  const problems: string[] = [];
  // A lease must outlast the send it covers, or another worker sends the same delivery while
  // this one still is. Twice the timeout leaves room for the wait in the worker's own queue
  // and for recording the result.
  if (config.WORKER_LEASE_MS < 2 * config.DELIVERY_TIMEOUT_MS) {
    problems.push(
      `WORKER_LEASE_MS=${config.WORKER_LEASE_MS}: must be at least 2 × DELIVERY_TIMEOUT_MS=${config.DELIVERY_TIMEOUT_MS} (${2 * config.DELIVERY_TIMEOUT_MS}), or a delivery still being sent when its lease ends is sent again by another worker`,
    );
  }
  if (config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > config.OTEL_BSP_MAX_QUEUE_SIZE) {
    problems.push(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE=${config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE}: must not exceed OTEL_BSP_MAX_QUEUE_SIZE=${config.OTEL_BSP_MAX_QUEUE_SIZE}`,
    );
  }
  return problems;
}
