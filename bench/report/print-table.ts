import { fmt, TableRow } from './table-rows';

const cells = (row: TableRow): string[] => [
  row.figure,
  fmt(row.value, row.unit),
  row.reference,
  row.ratio === null ? '—' : row.ratio.toFixed(2),
  row.target,
  row.met === null ? '—' : row.met ? 'yes' : 'NO',
];

const HEADER = ['figure', 'value', 'reference', 'ratio', 'target', 'met'];

/** Plain-text table for the console. */
export function formatTable(rows: TableRow[]): string {
  const all = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join(' │ ');
  return [
    line(HEADER),
    widths.map((w) => '─'.repeat(w)).join('─┼─'),
    ...rows.map((r) => line(cells(r))),
  ].join('\n');
}

/** The same rows as a Markdown table (pasted into BENCHMARKS.md). */
export function formatMarkdown(rows: TableRow[]): string {
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map(() => '---')), ...rows.map((r) => line(cells(r)))].join(
    '\n',
  );
}
