/**
 * Zoho configuration from the environment, validated once before any call. A `.env` file in `cwd`
 * is read when present; variables already set in the environment win over it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ZpetlError } from '../core/errors.js';
import { registerSecret } from '../core/redact.js';
import { DATA_CENTRES, DATA_CENTRE_NAMES, type DataCentre } from './data-centres.js';

/** Everything the Zoho client needs. Secrets are registered for redaction when loaded. */
export interface ZohoConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** Numeric portal id, kept as a string. */
  portalId: string;
  /** The data centre named by ZOHO_DC (default 'us'), informational when URLs are overridden. */
  dc: DataCentre;
  /** Projects API root without trailing slash, e.g. https://projectsapi.zoho.com. */
  apiUrl: string;
  /** Accounts (OAuth) root without trailing slash, e.g. https://accounts.zoho.com. */
  accountsUrl: string;
}

const nonEmpty = (what: string) => z.string({ error: `expected ${what}, got nothing` }).trim().min(1, `expected ${what}, got an empty value`);

/** The environment variables, each documented with what is expected. */
export const ENV_SCHEMA = z.object({
  ZOHO_CLIENT_ID: nonEmpty('the OAuth client id from the Zoho API console (starts with "1000.")'),
  ZOHO_CLIENT_SECRET: nonEmpty('the OAuth client secret from the Zoho API console'),
  ZOHO_REFRESH_TOKEN: nonEmpty('a refresh token for that client (grant with access_type=offline)'),
  ZOHO_PORTAL_ID: z
    .string({ error: 'expected the numeric portal id (Zoho Projects → Settings → Portal), got nothing' })
    .trim()
    .regex(/^\d{1,25}$/, 'expected the numeric portal id (digits only)'),
  ZOHO_DC: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(DATA_CENTRE_NAMES as [DataCentre, ...DataCentre[]], { error: `expected one of ${DATA_CENTRE_NAMES.join(', ')}` }))
    .optional(),
  ZOHO_API_URL: z.string().trim().url('expected an absolute URL such as https://projectsapi.zoho.eu').optional(),
  ZOHO_ACCOUNTS_URL: z.string().trim().url('expected an absolute URL such as https://accounts.zoho.eu').optional(),
});

export const SECRET_VARIABLES = ['ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'] as const;

export interface LoadConfigOptions {
  /** Directory whose `.env` is read when present (default: process.cwd()). */
  cwd?: string;
  /** Read `.env` at all (default true). */
  dotenv?: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

/** Refuses http:// except to loopback hosts (the sandbox); strips a trailing slash. */
export function checkUrl(variable: string, raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ZpetlError('CONFIG_INSECURE_URL', `${variable} must use https:// (plain http is allowed only for localhost), got ${url.origin}`, {
      field: variable,
      value: url.origin,
      hint: 'Tokens and client secrets would cross the network unencrypted. Use the https URL of your data centre.',
    });
  }
  if (url.search || url.hash) {
    throw new ZpetlError('CONFIG_INVALID', `${variable} must be a root URL without query or fragment, got ${url.origin}${url.pathname}?…`, { field: variable });
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Reads `.env` from `cwd` when present; returns {} otherwise. */
export function readDotEnv(cwd: string): Record<string, string> {
  const path = join(cwd, '.env');
  if (!existsSync(path)) return {};
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new ZpetlError('CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Loads and validates the Zoho configuration. Throws ZpetlError CONFIG_INVALID naming every bad
 * variable and what was expected, or CONFIG_INSECURE_URL for a non-https, non-loopback URL.
 */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env, options: LoadConfigOptions = {}): ZohoConfig {
  const fromFile = options.dotenv === false ? {} : readDotEnv(options.cwd ?? process.cwd());
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  // Register secrets before validation so that no error message can carry them.
  for (const name of SECRET_VARIABLES) registerSecret(merged[name]);

  const parsed = ENV_SCHEMA.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const variable = String(i.path[0] ?? '?');
      const given = merged[variable];
      const shown = given === undefined || (SECRET_VARIABLES as readonly string[]).includes(variable) ? '' : ` (got "${String(given).slice(0, 60)}")`;
      return { variable, text: `${variable}: ${i.message}${shown}` };
    });
    throw new ZpetlError('CONFIG_INVALID', `invalid Zoho configuration: ${problems.map((p) => p.text).join('; ')}`, {
      field: problems[0]?.variable,
      details: { variables: problems.map((p) => p.variable) },
      hint: 'Set these in the environment or in a .env file. `zpetl sandbox` prints a working set for local runs.',
    });
  }
  const e = parsed.data;
  const dc: DataCentre = e.ZOHO_DC ?? 'us';
  const apiUrl = checkUrl('ZOHO_API_URL', e.ZOHO_API_URL ?? DATA_CENTRES[dc].apiUrl);
  const accountsUrl = checkUrl('ZOHO_ACCOUNTS_URL', e.ZOHO_ACCOUNTS_URL ?? DATA_CENTRES[dc].accountsUrl);
  return {
    clientId: e.ZOHO_CLIENT_ID,
    clientSecret: e.ZOHO_CLIENT_SECRET,
    refreshToken: e.ZOHO_REFRESH_TOKEN,
    portalId: e.ZOHO_PORTAL_ID,
    dc,
    apiUrl,
    accountsUrl,
  };
}
