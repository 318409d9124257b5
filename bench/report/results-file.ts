import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BenchOptions } from '../bench-options';
import { BenchResults, Machine } from './bench-results';
import { TableRow } from './table-rows';

const RESULTS_DIR = resolve(__dirname, '../../../bench/results');

/** Writes bench/results/<timestamp>.json (git-ignored) and returns its path. */
export function writeResultsFile(
  startedAt: Date,
  options: BenchOptions,
  machine: Machine,
  results: BenchResults,
  rows: TableRow[],
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = resolve(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  // URLs may carry credentials: only whether they were set is kept.
  const settings = {
    ...options,
    only: [...options.only],
    databaseUrl: options.databaseUrl === undefined ? 'unset (embedded)' : 'set',
    redisUrl: options.redisUrl === undefined ? 'unset' : 'set',
  };
  const document = {
    startedAt: startedAt.toISOString(),
    mode: options.quick ? 'quick' : 'full',
    machine,
    settings,
    table: rows,
    results,
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return file;
}
