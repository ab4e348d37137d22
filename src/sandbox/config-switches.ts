/**
 * The sandbox's behaviour switches (`config`, sandboxConfigSchema in options.ts) as a user gives them
 * on the command line: a JSON or YAML file (`zpetl sandbox --config switches.yaml`) and single
 * switches (`--set roleListingPaths=both`, repeatable, applied after the file). A `--set` value is read
 * as a YAML scalar or flow collection (`330` a number, `true` a boolean, `[a, b]` a list, `{tasks: [x]}`
 * a map), so every switch of the schema is reachable; the result is checked by the schema with the
 * switch's name in the message.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ZpetlError } from '../core/errors.js';
import { sandboxConfigSchema, type SandboxConfig } from './options.js';

const invalid = (message: string, cause?: unknown): ZpetlError =>
  new ZpetlError('SANDBOX_CONFIG_INVALID', message, {
    disposition: 'fatal',
    hint: `Switches: ${Object.keys(sandboxConfigSchema.shape).join(', ')} (src/sandbox/README.md, "config").`,
    ...(cause !== undefined ? { cause } : {}),
  });

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw invalid(`cannot read sandbox config file ${path}`, cause);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw invalid(`${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}`, cause);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw invalid(`${path}: expected a map of switches (e.g. roleListingPaths: both)`);
  return data as Record<string, unknown>;
}

function parseSet(set: string): [string, unknown] {
  const eq = set.indexOf('=');
  if (eq <= 0) throw invalid(`--set ${set}: expected SWITCH=VALUE, e.g. --set roleListingPaths=both`);
  const key = set.slice(0, eq).trim();
  const raw = set.slice(eq + 1);
  try {
    return [key, raw.trim() === '' ? '' : parseYaml(raw)];
  } catch (cause) {
    throw invalid(`--set ${key}: cannot read the value ${JSON.stringify(raw)}`, cause);
  }
}

/**
 * The switches of a config file and `--set` values, checked: unknown switches and wrong values are
 * SANDBOX_CONFIG_INVALID naming the switch. Undefined when neither is given (the defaults hold).
 */
export function sandboxConfigFrom(file: string | undefined, sets: readonly string[] = []): Partial<SandboxConfig> | undefined {
  if (file === undefined && sets.length === 0) return undefined;
  const merged: Record<string, unknown> = file === undefined ? {} : readFile(file);
  for (const s of sets) {
    const [k, v] = parseSet(s);
    merged[k] = v;
  }
  const r = sandboxConfigSchema.partial().safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = i.path.length > 0 ? i.path.join('.') : (i as { keys?: string[] }).keys?.join(', ') ?? '';
    throw invalid(`sandbox switch ${where}: ${i.message}${file !== undefined ? ` (from ${file}${sets.length > 0 ? ' and --set' : ''})` : ' (from --set)'}`);
  }
  // Only the switches given (the schema fills defaults in): the sandbox applies its own defaults to the rest.
  const given: Record<string, unknown> = {};
  for (const k of Object.keys(merged)) given[k] = (r.data as Record<string, unknown>)[k];
  return given as Partial<SandboxConfig>;
}
