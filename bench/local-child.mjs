/**
 * The measuring child of bench/local.ts, plain JavaScript so that it runs under bare `node` as
 * `zpetl` does: with dist/ nothing else is loaded (no TypeScript loader, whose hooks thread alone
 * added ~40 MB of RSS to every figure). With --src the parent starts it under `--import tsx`.
 *
 *   node bench/local-child.mjs --child speed|memory --module <dry-run module> --file F --pipeline P --out DIR
 *
 * speed: a bare csv-parse pass over F, then the dry run; memory: the dry run alone. Prints one JSON
 * line: rows, wall and CPU (user + system) milliseconds of each pass, and the process's peak RSS.
 *
 * Peak RSS is VmHWM from /proc/self/status on Linux, not resourceUsage().maxRSS: Linux carries
 * ru_maxrss across fork + exec, so a child of a parent holding 160 MB (the bench, after generating
 * its file) reported at least 160 MB whatever it used itself. VmHWM belongs to this process image.
 * Elsewhere maxRSS is the fallback (the bench then prints which one it used).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse';

const str = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function bareParse(file) {
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, info: true }));
  for await (const _ of parser) n++;
  return n;
}

const mode = str('child');
const file = str('file');
const out = {};
if (mode === 'speed') {
  const t0 = performance.now();
  const c0 = cpuMs();
  out.parseRows = await bareParse(file);
  out.parseMs = performance.now() - t0;
  out.parseCpuMs = cpuMs() - c0;
}
const { dryRun } = await import(pathToFileURL(str('module')).href);
const t1 = performance.now();
const c1 = cpuMs();
const r = await dryRun(str('pipeline'), { outDir: join(str('out'), mode) });
out.dryMs = performance.now() - t1;
out.dryCpuMs = cpuMs() - c1;
const logs = r.report.steps.find((s) => s.name === 'timelogs');
out.dryRows = logs.counts.read;
out.valid = logs.counts.valid;
out.rejected = logs.counts.rejected;
const hwm = (() => {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
})();
out.maxRssKb = hwm ?? process.resourceUsage().maxRSS;
out.rssSource = hwm === undefined ? 'maxRSS' : 'VmHWM';
out.windows = r.report.estimate?.windowsNeeded ?? -1;
out.calls = r.report.estimate?.totalCalls ?? -1;
process.stdout.write(`${JSON.stringify(out)}\n`);
