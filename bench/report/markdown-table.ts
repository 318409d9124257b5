import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatMarkdown } from './print-table';
import { TableRow } from './table-rows';

/**
 * Prints a results file's table as Markdown, for BENCHMARKS.md:
 *   node dist-bench/bench/report/markdown-table.js [bench/results/<file>.json]   (default: latest)
 */
const dir = resolve(__dirname, '../../../bench/results');
const file =
  process.argv[2] ??
  resolve(
    dir,
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .pop() ?? '',
  );
const document = JSON.parse(readFileSync(file, 'utf8')) as { table: TableRow[] };
console.log(formatMarkdown(document.table));
