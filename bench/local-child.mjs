/**
 * The measuring child of bench/local.ts, plain JavaScript so that it runs under bare `node` as
 * `zpetl` does: with dist/ nothing else is loaded (no TypeScript loader, whose hooks thread alone
 * added ~40 MB of RSS to every figure). With --src the parent starts it under `--import tsx`.
 *
 *   node bench/local-child.mjs --child parse|dry --module <dry-run module> --file F --pipeline P --out DIR
 *
 * parse: a bare csv-parse pass over F; dry: the dry run over it. One pass per process: the second
 * of two passes in one process ran ~25% slower, whichever it was (bare pass 5.4 s first, 7.3 s after
 * the dry run, on the 1M file), so the parent starts a fresh child per pass. Prints one JSON line:
 * rows, wall and CPU (user + system) milliseconds of the pass, and the process's peak RSS.
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
if (mode === 'parse') {
  const t0 = performance.now();
  const c0 = cpuMs();
  out.rows = await bareParse(file);
  out.ms = performance.now() - t0;
  out.cpuMs = cpuMs() - c0;
} else {
  const { dryRun } = await import(pathToFileURL(str('module')).href);
  const t1 = performance.now();
  const c1 = cpuMs();
  const r = await dryRun(str('pipeline'), { outDir: join(str('out'), mode) });
  out.ms = performance.now() - t1;
  out.cpuMs = cpuMs() - c1;
  const logs = r.report.steps.find((s) => s.name === 'timelogs');
  out.rows = logs.counts.read;
  out.valid = logs.counts.valid;
  out.rejected = logs.counts.rejected;
  out.windows = r.report.estimate?.windowsNeeded ?? -1;
  out.calls = r.report.estimate?.totalCalls ?? -1;
}
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
process.stdout.write(`${JSON.stringify(out)}\n`);
