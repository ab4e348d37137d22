/**
 * `npm run bench:local`: the dry run's local speed and memory on a generated time-log CSV.
 *
 *  1. Generates 1,000,000 time-log rows (and 4,000,000 for the memory figure) in a temp folder, plus a
 *     3-row projects file the logs look their project up in.
 *  2. In one child process: a bare csv-parse pass over the 1M file, then the dry run over it (map,
 *     validate, lookups, duplicate keys and 24 h/day in the SQLite scratch store, rejects, reports).
 *     Prints rows/s of each and the ratio (target ≥ 0.4) and the child's peak RSS.
 *  3. In another child: the dry run over the 4M file; peak RSS (target ≤ 200 MB, within 15% of 1M).
 *
 * Peak RSS is process.resourceUsage().maxRSS of each child. Options: --rows N (default 1000000),
 * --big N (default 4000000; 0 skips), --keep (keep the temp folder).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v >= 0 ? v : def;
};
const str = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const PROJECTS = ['Website relaunch', 'Mobile app v2', 'Internal operations'];

async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('Log ID,Project,User Email,Date,Hours,Billable,Notes\n');
  const base = Date.UTC(2020, 0, 1);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const user = i % 500;
    // ≈ 0.55 logs per user and day at 1M rows: the 24 h rule is exercised but rarely hit.
    const day = new Date(base + (Math.floor(i / 500) % 3650) * 86_400_000).toISOString().slice(0, 10);
    const h = 1 + (i % 8);
    chunk += `L-${i},${PROJECTS[i % 3]},user${user}@example.com,${day},0${h}:${i % 2 ? '30' : '00'},${i % 5 ? 'Yes' : 'No'},"Worked on item ${i}, see notes"\n`;
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
  - name: timelogs
    entity: timelog
    source: { type: csv, path: ${csv} }
    key: [Log ID]
    fields:
      project: { from: Project, lookup: { kind: project-by-name }, required: true }
      user: { from: User Email, converter: email }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] }, required: true }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" }, required: true }
      billing: { from: Billable, converter: { type: enum, map: { "yes": Billable, "no": Non Billable } }, required: true }
      notes: { from: Notes }
      logName: { default: Migrated time }
`,
  );
  return file;
}

async function bareParse(file: string): Promise<number> {
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, info: true }));
  for await (const _ of parser) n++;
  return n;
}

async function child(): Promise<void> {
  const mode = str('child')!;
  const file = str('file')!;
  const pipeline = str('pipeline')!;
  const out: Record<string, number> = {};
  if (mode === 'speed') {
    const t0 = performance.now();
    out['parseRows'] = await bareParse(file);
    out['parseMs'] = performance.now() - t0;
  }
  const { dryRun } = await import('../src/pipeline/dry-run.js');
  const t1 = performance.now();
  const r = await dryRun(pipeline, { outDir: join(str('out')!, mode) });
  out['dryMs'] = performance.now() - t1;
  const logs = r.report.steps.find((s) => s.name === 'timelogs')!;
  out['dryRows'] = logs.counts.read;
  out['valid'] = logs.counts.valid;
  out['rejected'] = logs.counts.rejected;
  out['maxRssKb'] = process.resourceUsage().maxRSS;
  out['windows'] = r.report.estimate?.windowsNeeded ?? -1;
  out['calls'] = r.report.estimate?.totalCalls ?? -1;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(mode: string, file: string, pipeline: string, outDir: string): Record<string, number> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, '--file', file, '--pipeline', pipeline, '--out', outDir], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

async function main(): Promise<void> {
  const rows = arg('rows', 1_000_000);
  const big = arg('big', 4_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'zpetl-bench-'));
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
  try {
    writeFileSync(join(dir, 'projects.csv'), `Name\n${PROJECTS.join('\n')}\n`);
    let t = performance.now();
    await generate(join(dir, 'logs.csv'), rows);
    console.log(`generated ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s (${dir})`);
    const s = runChild('speed', join(dir, 'logs.csv'), pipelineYaml(dir, 'logs.csv'), dir);
    const parseRate = s['parseRows']! / (s['parseMs']! / 1000);
    const dryRate = s['dryRows']! / (s['dryMs']! / 1000);
    console.log(`bare csv-parse : ${Math.round(parseRate).toLocaleString('en-US')} rows/s (${(s['parseMs']! / 1000).toFixed(1)} s)`);
    console.log(`dry run        : ${Math.round(dryRate).toLocaleString('en-US')} rows/s (${(s['dryMs']! / 1000).toFixed(1)} s; valid ${s['valid']}, rejected ${s['rejected']}, ${s['calls']} calls, ${s['windows']} windows of 22:00-06:00)`);
    console.log(`ratio          : ${(dryRate / parseRate).toFixed(2)} (target ≥ 0.4)`);
    console.log(`peak RSS @ ${rows.toLocaleString('en-US')}: ${mb(s['maxRssKb']!)}`);
    if (big > 0) {
      rmSync(join(dir, 'speed'), { recursive: true, force: true });
      t = performance.now();
      await generate(join(dir, 'big.csv'), big);
      console.log(`generated ${big.toLocaleString('en-US')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const b = runChild('memory', join(dir, 'big.csv'), pipelineYaml(dir, 'big.csv'), dir);
      const diff = (b['maxRssKb']! - s['maxRssKb']!) / s['maxRssKb']!;
      console.log(`peak RSS @ ${big.toLocaleString('en-US')}: ${mb(b['maxRssKb']!)} (${(diff * 100).toFixed(1)}% vs ${rows.toLocaleString('en-US')}; target ≤ 200 MB and within 15%); dry run ${Math.round(b['dryRows']! / (b['dryMs']! / 1000)).toLocaleString('en-US')} rows/s`);
    }
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

if (str('child')) await child();
else await main();
