import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/*
 * Two rules of the layout, checked on the source text (docs/architecture.md, "Folders"):
 *
 * 1. The folders of src/ import each other without a loop. A folder is the first path segment
 *    below src/ (src/delivery is one folder: it is one feature, and its ports in
 *    delivery/hooks are what endpoint-health and endpoint-stats plug into); the files directly
 *    in src/ (main.ts, app.module.ts, http-app.ts: the composition root) are one more.
 *    Inside src/delivery, its parts (api/, worker/, sending/, hooks/, …) import each other
 *    without a loop too: the worker imports sending and hooks, never the reverse.
 * 2. Only src/queue/ (and the migrations) name the delivery and attempt tables in SQL.
 *
 * Spec files are left out of rule 1: a test may reach across folders.
 */

const SRC = resolve(process.cwd(), 'src');
const ROOT = '(root)';
const SQL_OWNERS = ['queue', join('database', 'migrations')];
/** A statement reaching the delivery or attempt table (keywords upper case, as this code base writes SQL). */
const QUEUE_TABLE_SQL = new RegExp(
  `\\b(?:FROM|UPDATE|INTO|JOIN)\\s+(?:${['delivery', 'attempt'].join('|')})\\b`,
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The folder `file` belongs to below `root` (files directly in `root` are ROOT). */
function folderBelow(root: string): (file: string) => string {
  return (file) => {
    const parts = relative(root, file).split(sep);
    return parts.length === 1 ? ROOT : parts[0];
  };
}

/** The file a relative specifier names: `x.ts`, or `x/index.ts` for a folder. */
function resolveImport(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  if (existsSync(`${base}.ts`)) return `${base}.ts`;
  if (existsSync(join(base, 'index.ts'))) return join(base, 'index.ts');
  return base;
}

interface FolderImport {
  from: string;
  to: string;
  /** One file import that makes the edge, for the failure message. */
  example: string;
}

/** Edges between the folders below `root`, each with one file-level import as evidence. */
function folderImports(files: readonly string[], root = SRC): FolderImport[] {
  const folderOf = folderBelow(root);
  const edges = new Map<string, FolderImport>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveImport(file, fileName);
      if (!target.startsWith(root + sep)) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      const key = `${from}\0${to}`;
      if (from !== to && !edges.has(key))
        edges.set(key, { from, to, example: `${relative(root, file)} imports '${fileName}'` });
    }
  }
  return [...edges.values()];
}

/** One cycle of the graph as its edges in order, or null when there is none (depth-first search). */
function findCycle(edges: readonly FolderImport[]): FolderImport[] | null {
  const out = new Map<string, FolderImport[]>();
  for (const edge of edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  const done = new Set<string>();
  const path: FolderImport[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): FolderImport[] | null => {
    onPath.add(node);
    for (const edge of out.get(node) ?? []) {
      path.push(edge);
      if (onPath.has(edge.to)) return path.slice(path.findIndex((e) => e.from === edge.to));
      if (!done.has(edge.to)) {
        const cycle = visit(edge.to);
        if (cycle) return cycle;
      }
      path.pop();
    }
    onPath.delete(node);
    done.add(node);
    return null;
  };
  for (const node of [...out.keys()].sort()) {
    if (done.has(node)) continue;
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

function describeCycle(cycle: readonly FolderImport[]): string {
  const loop = [...cycle.map((e) => e.from), cycle[0].from].join(' -> ');
  return [`folder import loop: ${loop}`, ...cycle.map((e) => `  ${e.example}`)].join('\n');
}

describe('source layout', () => {
  const files = sourceFiles(SRC);

  describe('findCycle', () => {
    const edge = (from: string, to: string): FolderImport => ({ from, to, example: '' });

    it.each([
      { edges: [], cycle: null },
      { edges: [edge('a', 'b'), edge('b', 'c'), edge('a', 'c')], cycle: null },
      { edges: [edge('a', 'b'), edge('b', 'a')], cycle: 'a b' },
      { edges: [edge('x', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a')], cycle: 'a b c' },
    ])('finds $cycle in $edges.length edges', ({ edges, cycle }) => {
      expect(
        findCycle(edges)
          ?.map((e) => e.from)
          .join(' ') ?? null,
      ).toBe(cycle);
    });
  });

  it('has no import loop between the folders of src/', () => {
    const sut = folderImports(files.filter((f) => !f.endsWith('.spec.ts')));
    const cycle = findCycle(sut);
    expect(cycle === null ? 'no loop' : describeCycle(cycle)).toBe('no loop');
  });

  it('has no import loop between the parts of src/delivery/ (api, worker, sending, hooks, …)', () => {
    const delivery = join(SRC, 'delivery');
    const sut = folderImports(
      files.filter((f) => f.startsWith(delivery + sep) && !f.endsWith('.spec.ts')),
      delivery,
    );
    const cycle = findCycle(sut);
    expect(cycle === null ? 'no loop' : describeCycle(cycle)).toBe('no loop');
  });

  it('names the delivery and attempt tables in SQL only in src/queue and the migrations', () => {
    const owners = SQL_OWNERS.map((folder) => join(SRC, folder) + sep);
    const sut = files.filter(
      (f) =>
        !owners.some((owner) => f.startsWith(owner)) &&
        QUEUE_TABLE_SQL.test(readFileSync(f, 'utf8')),
    );
    expect(sut.map((f) => relative(SRC, f))).toEqual([]);
  });
});
