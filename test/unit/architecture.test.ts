/**
 * The layering rule of ARCHITECTURE.md, checked on every import of src/** (static, `export … from`,
 * type-only and dynamic): cli → pipeline → extract | transform | load | report | payroll →
 * checkpoint, zoho → config → core. An import may go down any number of layers, never up, and never
 * sideways between two folders of one layer. The sandbox imports only core (a fake that shares the
 * client's code shares its bugs) and only cli and pipeline (the demo) import it. core does no I/O.
 * Known exceptions are listed below with their reason; the list may only shrink (an exception no
 * longer used fails too, so it gets deleted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Higher imports lower. Same rank, different folder = sideways. */
const RANK: Record<string, number> = {
  'index.ts': 8, // the public library API re-exports every layer
  cli: 7,
  pipeline: 6,
  extract: 5,
  transform: 5,
  load: 5,
  report: 5,
  payroll: 5,
  checkpoint: 4,
  zoho: 4,
  config: 3,
  core: 2,
  'version.ts': 1,
};
const SANDBOX = 'sandbox';
const SANDBOX_MAY_IMPORT = new Set(['core', 'version.ts']);
const MAY_IMPORT_SANDBOX = new Set(['index.ts', 'cli', 'pipeline']);
/** Modules core must not import: core is pure (no file system, network, processes or database). */
const IO_MODULES = /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|worker_threads|dgram|dns|tls)$|^better-sqlite3$/;

/** `from -> to` (paths under src/) → why it is allowed for now. */
const EXCEPTIONS: Record<string, string> = {
  'checkpoint/budget-store.ts -> zoho/types.ts': 'implements the BudgetStore interface that zoho/types.ts declares for the rate budget (type-only)',
  'load/loaders/index.ts -> pipeline/events.ts': 'EntityKind of the event vocabulary (type-only)',
  'load/exactly-once/step-loader.ts -> pipeline/events.ts': 'EntityKind of the event vocabulary (type-only)',
  'load/types.ts -> pipeline/events.ts': 'EntityKind of the event vocabulary (type-only)',
  'payroll/export-timesheets.ts -> pipeline/events.ts': 'the export emits PipelineEvents and StepCounts (emptyCounts) like every step',
  'report/model.ts -> pipeline/events.ts': 'StepCounts of the event vocabulary (type-only)',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (abs: string) => relative(SRC, abs).split(sep).join('/');
/** The top-level folder under src/ (or the file name for files directly in src/). */
const layerOf = (path: string) => path.split('/')[0]!;

interface Edge {
  from: string;
  to: string;
}

function importsOf(file: string): { relative: Edge[]; packages: string[] } {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const out: Edge[] = [];
  const packages: string[] = [];
  for (const f of info.importedFiles) {
    if (!f.fileName.startsWith('.')) {
      packages.push(f.fileName);
      continue;
    }
    const target = rel(resolve(dirname(file), f.fileName)).replace(/\.js$/, '.ts');
    out.push({ from: rel(file), to: target });
  }
  return { relative: out, packages };
}

/** Why `from` may not import `to`, or undefined when it may. */
function problem({ from, to }: Edge): string | undefined {
  const a = layerOf(from);
  const b = layerOf(to);
  if (a === b) return undefined;
  if (a === SANDBOX) return SANDBOX_MAY_IMPORT.has(b) ? undefined : 'the sandbox imports only core';
  if (b === SANDBOX) return MAY_IMPORT_SANDBOX.has(a) ? undefined : 'only cli and pipeline (and the library index) use the sandbox';
  const ra = RANK[a];
  const rb = RANK[b];
  if (ra === undefined || rb === undefined) return `no layer for ${ra === undefined ? a : b}/ in the rule`;
  if (ra < rb) return `upward: ${a} is below ${b}`;
  if (ra === rb) return `sideways: ${a} and ${b} are one layer`;
  return undefined;
}

const files = sourceFiles(SRC);
const edges = files.flatMap((f) => importsOf(f).relative);

describe('layering (ARCHITECTURE.md)', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(200);
    // The scanner sees multi-line, type-only, re-export and dynamic imports.
    expect(edges).toContainEqual({ from: 'index.ts', to: 'version.ts' });
    expect(edges.some((e) => e.from.startsWith('cli/') && e.to.startsWith('pipeline/'))).toBe(true);
  });

  it('places every folder of src/ in the rule', () => {
    const layers = new Set(files.map((f) => layerOf(rel(f))));
    for (const l of layers) expect(l === SANDBOX || RANK[l] !== undefined, `src/${l} is in no layer`).toBe(true);
  });

  it('imports flow only downward (apart from the listed exceptions)', () => {
    const found = edges.map((e) => ({ edge: `${e.from} -> ${e.to}`, why: problem(e) })).filter((v) => v.why !== undefined);
    const unexpected = found.filter((v) => EXCEPTIONS[v.edge] === undefined).map((v) => `${v.edge}: ${v.why}`);
    expect(unexpected).toEqual([]);
  });

  it('every listed exception is still needed (delete it once fixed)', () => {
    const violating = new Set(edges.filter((e) => problem(e) !== undefined).map((e) => `${e.from} -> ${e.to}`));
    expect(Object.keys(EXCEPTIONS).filter((k) => !violating.has(k))).toEqual([]);
  });

  it('core does no I/O', () => {
    const bad = files
      .filter((f) => layerOf(rel(f)) === 'core')
      .flatMap((f) => importsOf(f).packages.filter((p) => IO_MODULES.test(p)).map((p) => `${rel(f)} imports ${p}`));
    expect(bad).toEqual([]);
  });

  it('the rule itself: a sideways, an upward and a sandbox import are caught', () => {
    expect(problem({ from: 'extract/x.ts', to: 'transform/y.ts' })).toMatch(/sideways/);
    expect(problem({ from: 'payroll/x.ts', to: 'extract/y.ts' })).toMatch(/sideways/);
    expect(problem({ from: 'core/x.ts', to: 'zoho/y.ts' })).toMatch(/upward/);
    expect(problem({ from: 'sandbox/x.ts', to: 'zoho/y.ts' })).toMatch(/sandbox/);
    expect(problem({ from: 'load/x.ts', to: 'sandbox/y.ts' })).toMatch(/sandbox/);
    expect(problem({ from: 'cli/x.ts', to: 'core/y.ts' })).toBeUndefined();
    expect(problem({ from: 'pipeline/x.ts', to: 'sandbox/y.ts' })).toBeUndefined();
  });
});
