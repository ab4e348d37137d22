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

/**
 * `from -> to` (paths under src/) → why it is allowed for now. Empty: what two layers share lives
 * below both, in core/ (the event vocabulary, the prepared rows, the estimate's shape, the rate
 * budget's persistence port). A new entry needs a reason that moving the shared part down cannot fix.
 */
const EXCEPTIONS: Record<string, string> = {};

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

/** The house size rule: a file over MAX_FILE_LINES or a function over MAX_FUNCTION_LINES wants splitting along its seams. */
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 150;

/** Lines of a text as an editor numbers them (a final newline opens no line). */
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/**
 * Every function with a body in `text` (declarations, methods, accessors, constructors, arrow
 * functions, function expressions) with its name and length in lines, first line to last inclusive.
 * A nested function counts inside its parent and on its own.
 */
function functionLengths(fileName: string, text: string): { name: string; line: number; lines: number }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: { name: string; line: number; lines: number }[] = [];
  const nameOf = (n: ts.SignatureDeclaration): string => {
    if (n.name) return n.name.getText(sf);
    const p = n.parent;
    if (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) return p.name.getText(sf);
    return '<anonymous>';
  };
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      out.push({ name: nameOf(n), line: first + 1, lines: last - first + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe(`size (files ≤ ${MAX_FILE_LINES} lines, functions ≤ ${MAX_FUNCTION_LINES} lines)`, () => {
  it('measures a known function, nested and arrow functions, and a file, as an editor numbers lines', () => {
    const body = Array.from({ length: 8 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `// header\nexport function outer(): number {\n${body}\n  const inner = () => {\n    return 1;\n  };\n  return inner();\n}\nclass C {\n  m() {\n    return 2;\n  }\n}\nconst f = function () {};\n`;
    expect(lineCount(text)).toBe(21);
    expect(functionLengths('t.ts', text)).toEqual([
      { name: 'outer', line: 2, lines: 14 }, // the signature line through the closing brace
      { name: 'inner', line: 11, lines: 3 },
      { name: 'm', line: 17, lines: 3 },
      { name: 'f', line: 21, lines: 1 },
    ]);
    // A signature without a body (overload, interface method) is no function to measure.
    expect(functionLengths('t.ts', 'declare function g(): void;\ninterface I { m(): void }\n')).toEqual([]);
  });

  it(`no file in src/ is over ${MAX_FILE_LINES} lines and no function over ${MAX_FUNCTION_LINES}`, () => {
    const over: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const lines = lineCount(text);
      if (lines > MAX_FILE_LINES) over.push(`${rel(f)}: ${lines} lines`);
      for (const fn of functionLengths(f, text)) if (fn.lines > MAX_FUNCTION_LINES) over.push(`${rel(f)}:${fn.line} ${fn.name}: ${fn.lines} lines`);
    }
    expect(over).toEqual([]);
  });
});

/** The circles of an import graph (strongly connected components of two or more files, or a file importing itself), each sorted. */
function importCircles(graph: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of graph) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      part.push(w);
    } while (w !== v);
    if (part.length > 1 || (next.get(v) ?? []).includes(v)) circles.push(part.sort());
  };
  for (const v of new Set(graph.flatMap((e) => [e.from, e.to]))) if (!index.has(v)) visit(v);
  return circles;
}

describe('no import circle', () => {
  it('no file of src/ reaches itself through its imports (type-only imports included)', () => {
    expect(importCircles(edges)).toEqual([]);
  });

  it('the finder itself: a circle through three files is found, a diamond is not', () => {
    const e = (from: string, to: string): Edge => ({ from, to });
    expect(importCircles([e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')])).toEqual([['a', 'b', 'c']]);
    expect(importCircles([e('a', 'b'), e('a', 'c'), e('b', 'd'), e('c', 'd')])).toEqual([]);
    expect(importCircles([e('a', 'a')])).toEqual([['a']]);
  });
});

/**
 * src/pipeline/ in rooms (ARCHITECTURE.md): the root holds what several rooms share; a room (a
 * subfolder) imports the root, `file/` and `prepare/`, and the layers below, but not another room,
 * apart from the edges listed here with their reason. `file/` and `prepare/` import no other room.
 */
const SHARED_ROOMS = new Set(['file', 'prepare']);
const ROOM_EXCEPTIONS: Record<string, string> = {
  'run -> export': 'runPipeline runs a pipeline\'s export steps after its load steps (export composes into a run)',
  'demo -> run': 'the demo is a run of the demo pipeline…',
  'demo -> export': '…followed by its payroll export',
  'dry-run -> run': 'the dry run plans each step as the run does (run-build-plan.ts planStep), so its loader options are the run\'s',
};
const roomOf = (path: string): string | undefined => {
  const parts = path.split('/');
  return parts[0] === 'pipeline' && parts.length > 2 ? parts[1] : undefined;
};

describe('pipeline rooms', () => {
  const roomEdges = new Set(
    edges
      .map((e) => ({ a: roomOf(e.from), b: roomOf(e.to) }))
      .filter((x): x is { a: string; b: string } => x.a !== undefined && x.b !== undefined && x.a !== x.b)
      .map((x) => `${x.a} -> ${x.b}`),
  );

  it('has rooms', () => {
    const rooms = new Set(files.map((f) => roomOf(rel(f))).filter((r) => r !== undefined));
    for (const r of ['file', 'prepare', 'dry-run', 'run', 'export', 'status', 'demo']) expect(rooms.has(r), r).toBe(true);
  });

  it('a room imports another only when it is file/ or prepare/, or a listed exception', () => {
    const bad = [...roomEdges].filter((e) => !SHARED_ROOMS.has(e.split(' -> ')[1]!) && ROOM_EXCEPTIONS[e] === undefined);
    expect(bad).toEqual([]);
  });

  it('file/ and prepare/ import no other room, and every listed exception is still needed', () => {
    expect([...roomEdges].filter((e) => SHARED_ROOMS.has(e.split(' -> ')[0]!) && !(e === 'prepare -> file'))).toEqual([]);
    expect(Object.keys(ROOM_EXCEPTIONS).filter((k) => !roomEdges.has(k))).toEqual([]);
  });
});
