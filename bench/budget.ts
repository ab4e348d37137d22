/**
 * `npm run bench:budget`: how much of Zoho's per-endpoint limit the client uses, and whether two
 * endpoints run in parallel, measured against an in-process sandbox at a time scale.
 *
 *  1. Create tasks through one endpoint for 10 windows: calls per window ÷ server limit (target
 *     ≥ 0.95) and the number of throttle answers (target 0).
 *  2. Two endpoints (POST …/tasks and POST …/tasklists, 200 calls each) driven together vs one
 *     after the other: speed-up in virtual time (target ≥ 1.8×).
 *
 * Options: --scale N (virtual seconds per real second for part 1, default 30), --scale2 N (part 2,
 * default 15), --windows N (default 10).
 */
import { createSandbox } from '../src/sandbox/index.js';
import { loadConfig } from '../src/config/load-config.js';
import { createZohoClient } from '../src/zoho/client.js';
import type { ZohoClient } from '../src/zoho/types.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  return Number.isFinite(v) && v > 0 ? v : def;
};
// The sandbox runs in this process and shares its CPU with the client: each call costs a few real
// ms, which a time scale multiplies. ×30 keeps a 195-call burst well inside one virtual window.
const SCALE = arg('scale', 30);
// Part 2 pushes two bursts through the one CPU at once, so it runs slower by default.
const SCALE2 = arg('scale2', 15);
const WINDOWS = arg('windows', 10);
const SERVER_LIMIT = 200;
const WINDOW_MS = 120_000;
const WORKERS = 8;

type Sandbox = Awaited<ReturnType<typeof createSandbox>>;

async function start(timeScale: number): Promise<{ sandbox: Sandbox; client: ZohoClient; projectId: string }> {
  const sandbox = await createSandbox({ timeScale });
  const config = loadConfig(sandbox.env, { dotenv: false });
  const client = createZohoClient(config, { clock: sandbox.clock });
  let projectId: string | undefined;
  for await (const p of client.projects.list()) {
    projectId = p.id;
    break;
  }
  if (!projectId) projectId = (await client.projects.create({ name: 'bench' })).id;
  return { sandbox, client, projectId };
}

/** Runs `call` with WORKERS workers until `until()` says stop; returns the virtual times of answers. */
async function drive(client: ZohoClient, clock: { now(): number }, call: (i: number) => Promise<unknown>, until: (done: number) => boolean): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (!until(times.length)) {
        const i = next++;
        await call(i);
        times.push(clock.now());
      }
    }),
  );
  return times;
}

function throttles(client: ZohoClient): number {
  return Object.values(client.stats()).reduce((n, s) => n + s.rateLimited, 0);
}

async function utilisation(): Promise<{ ratio: number; perWindow: number; throttled: number; calls: number }> {
  const { sandbox, client, projectId } = await start(SCALE);
  try {
    const clock = sandbox.clock;
    const t0 = clock.now();
    const end = t0 + WINDOWS * WINDOW_MS;
    const times = await drive(client, clock, (i) => client.tasks.create(projectId, { name: `bench task ${i}` }), () => clock.now() >= end);
    // Count answers inside the measured span: each was sent (and counted by the server) before its answer.
    const inSpan = times.filter((t) => t < end).length;
    const perWindow = inSpan / WINDOWS;
    return { ratio: perWindow / SERVER_LIMIT, perWindow, throttled: throttles(client), calls: times.length };
  } finally {
    await client.close();
    await sandbox.close();
  }
}

async function parallelism(): Promise<{ speedup: number; sequentialS: number; parallelS: number; throttled: number }> {
  // One window and a few calls more per endpoint: alone, each needs just over one window.
  const N = 200;
  const run = async (together: boolean) => {
    const { sandbox, client, projectId } = await start(SCALE2);
    try {
      const clock = sandbox.clock;
      const tasks = (c: { n: number }) => drive(client, clock, (i) => client.tasks.create(projectId, { name: `p task ${i}` }), () => c.n++ >= N);
      const lists = (c: { n: number }) => drive(client, clock, (i) => client.tasklists.create(projectId, { name: `p list ${i}` }), () => c.n++ >= N);
      const t0 = clock.now();
      if (together) await Promise.all([tasks({ n: 0 }), lists({ n: 0 })]);
      else {
        await tasks({ n: 0 });
        await lists({ n: 0 });
      }
      return { seconds: (clock.now() - t0) / 1000, throttled: throttles(client) };
    } finally {
      await client.close();
      await sandbox.close();
    }
  };
  const seq = await run(false);
  const par = await run(true);
  return { speedup: seq.seconds / par.seconds, sequentialS: seq.seconds, parallelS: par.seconds, throttled: seq.throttled + par.throttled };
}

const started = Date.now();
console.log(`bench:budget — sandbox time scale ×${SCALE} (part 2: ×${SCALE2}), server limit ${SERVER_LIMIT} calls / ${WINDOW_MS / 1000} s per endpoint`);
const u = await utilisation();
console.log(
  `(1) one endpoint, ${WINDOWS} windows: ${u.perWindow.toFixed(1)} calls/window ÷ ${SERVER_LIMIT} = ${u.ratio.toFixed(3)} (target ≥ 0.95) ` +
    `${u.ratio >= 0.95 ? 'OK' : 'BELOW TARGET'}; throttle answers (429): ${u.throttled} (target 0) ${u.throttled === 0 ? 'OK' : 'FAIL'}`,
);
const p = await parallelism();
console.log(
  `(2) two endpoints × 200 calls: one after the other ${p.sequentialS.toFixed(1)} s, together ${p.parallelS.toFixed(1)} s (virtual) → ` +
    `speed-up ${p.speedup.toFixed(2)}× (target ≥ 1.8×) ${p.speedup >= 1.8 ? 'OK' : 'BELOW TARGET'}; throttle answers: ${p.throttled}`,
);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s real`);
if (u.ratio < 0.95 || u.throttled > 0 || p.speedup < 1.8 || p.throttled > 0) process.exitCode = 1;
