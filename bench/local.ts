/**
 * `npm run bench:local`: the dry run's local speed and memory on a generated time-log CSV.
 *
 *  1. Builds dist/ (`npm run build`: the compiled code is what `zpetl` runs), then generates
 *     1,000,000 time-log rows (and 4,000,000 for the memory figure) in a temp folder, the middle row's
 *     notes holding a NUL (a control character: one SOURCE_CONTROL_CHARACTER reject, so the
 *     control-character check runs on the hot path, clean chunks included), plus a 3-row
 *     projects file the logs look their project up in and a 500-row users file (each person added to
 *     one project) the logs look their owner up in: a time log's user is a Zoho id, found by e-mail.
 *  2. Side by side, --rounds times (default 3), each pass in a fresh child process and the two in
 *     alternating order: a bare csv-parse pass over the 1M file, and the dry run over it (map,
 *     validate, lookups, duplicate keys and 24 h/day in the SQLite scratch store, rejects, reports).
 *     One pass per process because the second pass in a process ran ~25% slower whichever it was
 *     (local-child.mjs). Prints each pass's median rows/s and the ratio (target ≥ 0.6), by wall clock
 *     and by CPU time (user + system: steadier on a shared machine), and every round's ratio.
 *  3. Peak RSS of the dry run: the highest of the 1M dry-run children, then the 4M file in a fresh
 *     child (target ≤ 150 MB, the 4M figure within 15% of the 1M one).
 *
 * The children run bench/local-child.mjs under bare `node` over dist/, as `zpetl` runs: no TypeScript
 * loader in the measured process (with --src they load src/ through tsx, and figures include it).
 * Peak RSS is each child's own high-water mark (VmHWM on Linux: resourceUsage().maxRSS would include
 * the parent's RSS at spawn, which Linux carries across exec; see local-child.mjs). Options: --rows N (default 1000000),
 * --big N (default 4000000; 0 skips), --keep (keep the temp folder), --src (run src/ through tsx
 * instead of building dist/), --rounds N.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v >= 0 ? v : def;
};
/** --src: the children load src/ through tsx instead of the built dist/. */
const SRC = process.argv.includes('--src');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const PROJECTS = ['Website relaunch', 'Mobile app v2', 'Internal operations'];
/** The people the logs belong to: user0@example.com … user499@example.com. */
const USERS = 500;
const email = (u: number): string => `user${u}@example.com`;

async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('Log ID,Project,User Email,Date,Hours,Billable,Notes\n');
  const base = Date.UTC(2020, 0, 1);
  /** The row (0-based) whose notes hold a NUL: row 500,000 of 1M. */
  const controlRow = Math.floor(rows / 2);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const user = i % USERS;
    // ≈ 0.55 logs per user and day at 1M rows: the 24 h rule is exercised but rarely hit.
    const day = new Date(base + (Math.floor(i / 500) % 3650) * 86_400_000).toISOString().slice(0, 10);
    const h = 1 + (i % 8);
    const notes = i === controlRow ? `Worked on item ${i},\u0000 see notes` : `Worked on item ${i}, see notes`;
    chunk += `L-${i},${PROJECTS[i % 3]},${email(user)},${day},0${h}:${i % 2 ? '30' : '00'},${i % 5 ? 'Yes' : 'No'},"${notes}"\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
}

function pipelineYaml(dir: string, csv: string): string {
  const file = join(dir, `bench-${csv}.yaml`);
  writeFileSync(
    file,
    `version: 1
name: bench-local
options: { batchSize: 100, window: { start: "22:00", end: "06:00", tz: Europe/Berlin } }
steps:
  - name: projects
    entity: project
    source: { type: csv, path: projects.csv }
    key: [Name]
    fields: { name: { from: Name, required: true } }
  - name: users
    entity: user
    scope: project
    source: { type: csv, path: users.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email, required: true }
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
  - name: timelogs
    entity: timelog
    source: { type: csv, path: ${csv} }
    key: [Log ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      user: { from: User Email, converter: email, lookup: { kind: user-by-email } }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { from: Billable, converter: { type: enum, map: { "yes": Billable, "no": Non Billable } }, required: true }
      notes: { from: Notes }
      logName: { default: Migrated time }
`,
  );
  return file;
}

interface ChildResult {
  rows: number;
  ms: number;
  cpuMs: number;
  maxRssKb: number;
  rssSource: string;
  valid?: number;
  rejected?: number;
  calls?: number;
  windows?: number;
}

function runChild(mode: 'parse' | 'dry', file: string, pipeline: string, outDir: string): ChildResult {
  const module = SRC ? join(ROOT, 'src', 'pipeline', 'dry-run', 'dry-run.ts') : join(ROOT, 'dist', 'pipeline', 'dry-run', 'dry-run.js');
  rmSync(join(outDir, mode), { recursive: true, force: true });
  const args = [...(SRC ? ['--import', 'tsx'] : []), join(ROOT, 'bench', 'local-child.mjs'), '--child', mode, '--module', module, '--file', file, '--pipeline', pipeline, '--out', outDir];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const rows = arg('rows', 1_000_000);
  const big = arg('big', 4_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'zpetl-bench-'));
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
  try {
    if (!SRC) {
      const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(`npm run build failed (use --src to run src/ through tsx):\n${b.stdout}${b.stderr}`);
    }
    writeFileSync(join(dir, 'projects.csv'), `Name\n${PROJECTS.join('\n')}\n`);
    writeFileSync(join(dir, 'users.csv'), `Email,Project\n${Array.from({ length: USERS }, (_, u) => `${email(u)},${PROJECTS[u % 3]}`).join('\n')}\n`);
    let t = performance.now();
    await generate(join(dir, 'logs.csv'), rows);
    console.log(`generated ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir}); code: ${SRC ? 'src/ through tsx' : 'dist/'}`);
    const pipeline = pipelineYaml(dir, 'logs.csv');
    const rounds = Math.max(1, Math.round(arg('rounds', 3)));
    const parses: ChildResult[] = [];
    const drys: ChildResult[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternating order: neither pass always runs right after the other.
      const first = i % 2 === 0 ? 'parse' : 'dry';
      for (const mode of [first, first === 'parse' ? 'dry' : 'parse'] as const) (mode === 'parse' ? parses : drys).push(runChild(mode, join(dir, 'logs.csv'), pipeline, dir));
    }
    const parseMs = median(parses.map((p) => p.ms));
    const dryMs = median(drys.map((d) => d.ms));
    const parseRate = rows / (parseMs / 1000);
    const dryRate = rows / (dryMs / 1000);
    const d = drys.at(-1)!;
    const cpuRatio = median(parses.map((p) => p.cpuMs)) / median(drys.map((x) => x.cpuMs));
    console.log(`bare csv-parse : ${Math.round(parseRate).toLocaleString('en-US')} rows/s (median of ${rounds}: ${(parseMs / 1000).toFixed(1)} s; CPU ${(median(parses.map((p) => p.cpuMs)) / 1000).toFixed(1)} s)`);
    console.log(`dry run        : ${Math.round(dryRate).toLocaleString('en-US')} rows/s (median of ${rounds}: ${(dryMs / 1000).toFixed(1)} s; CPU ${(median(drys.map((x) => x.cpuMs)) / 1000).toFixed(1)} s; valid ${d.valid}, rejected ${d.rejected}, ${d.calls} calls, ${d.windows} windows of 22:00-06:00)`);
    console.log(`ratio          : ${(dryRate / parseRate).toFixed(2)} by wall clock, ${cpuRatio.toFixed(2)} by CPU time (target ≥ 0.6); per round ${parses.map((p, i) => (p.ms / drys[i]!.ms).toFixed(2)).join(', ')}`);
    const peak = drys.reduce((a, b) => (b.maxRssKb > a.maxRssKb ? b : a));
    console.log(`peak RSS @ ${rows.toLocaleString('en-US')}: ${mb(peak.maxRssKb)} (the highest of the ${rounds} dry-run children, ${peak.rssSource})`);
    if (big > 0) {
      rmSync(join(dir, 'logs.csv'), { force: true });
      t = performance.now();
      await generate(join(dir, 'big.csv'), big);
      console.log(`generated ${big.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const b = runChild('dry', join(dir, 'big.csv'), pipelineYaml(dir, 'big.csv'), dir);
      const diff = (b.maxRssKb - peak.maxRssKb) / peak.maxRssKb;
      console.log(`peak RSS @ ${big.toLocaleString('en-US')}: ${mb(b.maxRssKb)} (${(diff * 100).toFixed(1)}% vs ${rows.toLocaleString('en-US')}; target ≤ 150 MB and within 15%); dry run ${Math.round(b.rows / (b.ms / 1000)).toLocaleString('en-US')} rows/s, valid ${b.valid}, rejected ${b.rejected}`);
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
