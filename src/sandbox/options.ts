/**
 * Options and behaviour switches of the sandbox. Every number Zoho documents (or that field reports
 * disagree on) is a config value here, with the section of docs/zoho-api-notes.md that sets its default.
 * Each fact there names its source, its confidence and the switch below that covers it.
 */
import { z } from 'zod';

/** The longest single advance of the virtual clock: 10 years (admin `time/advance`, fault `restoreAfterMs`). */
export const MAX_ADVANCE_MS = 10 * 365 * 86_400_000;
/** The virtual clock never passes the end of year 9999, so every date it gives stays `YYYY-MM-DD`. */
export const MAX_CLOCK_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The longest lock-out or grant-code lifetime an admin call or a fault may ask for, virtual seconds (10 years). */
export const MAX_DURATION_S = MAX_ADVANCE_MS / 1000;
/** The longest real wait of a `slow` or `late-commit` fault: 10 minutes (beyond it a test hangs, not a client). */
export const MAX_FAULT_DELAY_MS = 600_000;
/** The fastest virtual clock: 10⁶× real time (a virtual year in ~32 real seconds). */
export const MAX_TIME_SCALE = 1_000_000;
/** The longest `nth` list of one fault (a longer one only slows every matching request). */
export const MAX_FAULT_NTH = 10_000;
/** The deepest nesting of arrays and objects in an admin JSON input (V3 objects nest a few levels). */
export const MAX_ADMIN_JSON_DEPTH = 64;

/**
 * A whole number in [min, max] whose messages name these bounds: `.max()` comes before `.int()`, so
 * a huge value is reported against `max`, not against zod's safe-integer limit.
 */
export function boundedInt(min: number, max: number) {
  return z
    .number()
    .min(min, `expected at least ${min}`)
    .max(max, `expected at most ${max}`)
    .int('expected a whole number');
}

/** `timeScale` (option) and `--time-scale` (CLI): > 0 and at most MAX_TIME_SCALE. */
const TIME_SCALE_EXPECTED = `expected a number > 0 and at most ${MAX_TIME_SCALE}, e.g. 60`;
export const timeScaleSchema = z
  .number({ error: TIME_SCALE_EXPECTED })
  .refine((n) => n > 0 && n <= MAX_TIME_SCALE, TIME_SCALE_EXPECTED);

/** `adminToken` (option) and `--admin-token` / ZPETL_SANDBOX_ADMIN_TOKEN (CLI). */
export const adminTokenSchema = z
  .string()
  .regex(/^[\x21-\x7e]{16,200}$/, 'expected 16–200 visible ASCII characters without spaces');

/** A fault to inject; see README.md "Faults". */
export const faultKindSchema = z.enum([
  'status', // answer `status` (500 default, or 503) with a V3 INTERNAL_SERVER_ERROR body; handler not run
  'reset-before', // destroy the socket before the handler runs: nothing committed
  'reset-after', // run the handler (write committed), then destroy the socket instead of answering
  'slow', // run the handler (committed), wait `delayMs` of real time, then answer
  'late-commit', // hold the request `delayMs` of real time (the client times out), THEN run the handler (committed late) and drop the socket
  'revoke', // revoke every access token (and with `refreshTokens`, refresh tokens too) before handling
  'error-200', // answer HTTP 200 with a V3 error body; handler not run
  'lockout', // lock the endpoint for the caller for `lockoutS` seconds, then answer as throttled
]);
export type FaultKind = z.infer<typeof faultKindSchema>;

export const faultSpecSchema = z
  .object({
    /** Optional name, shown by GET /__sandbox/faults. */
    id: z.string().optional(),
    kind: faultKindSchema,
    /** `METHOD /template` as in ENDPOINTS (e.g. `POST /projects/{project}/tasks`), `*` for any; default `*`. */
    endpoint: z.string().default('*'),
    /** Restrict to these HTTP methods (e.g. ['POST']); default any. */
    methods: z.array(z.string()).optional(),
    /** Scripted: fire on these 1-based occurrences of a matching request. */
    nth: z
      .union([boundedInt(1, Number.MAX_SAFE_INTEGER), z.array(boundedInt(1, Number.MAX_SAFE_INTEGER)).max(MAX_FAULT_NTH, `expected at most ${MAX_FAULT_NTH} occurrences`)])
      .optional(),
    /** Random: fire with this probability on each matching request (seeded PRNG, see config.faultSeed). */
    probability: z.number().min(0).max(1).optional(),
    /** Fire at most this many times in total; default unlimited. */
    times: boundedInt(1, Number.MAX_SAFE_INTEGER).optional(),
    /** `status` kind: HTTP status, default 500. */
    status: boundedInt(400, 599).optional(),
    /** `slow` kind: real (wall-clock) ms to wait before answering; `late-commit`: before committing. Default 5000. */
    delayMs: boundedInt(0, MAX_FAULT_DELAY_MS).optional(),
    /** `lockout` kind: virtual seconds of lock-out, default config.lockS. */
    lockoutS: z.number().positive().max(MAX_DURATION_S).optional(),
    /** `revoke` kind: also revoke refresh tokens (clients then get invalid_code until restore). */
    refreshTokens: z.boolean().optional(),
    /** `revoke` kind with refreshTokens: restore the refresh tokens after this many virtual ms. */
    restoreAfterMs: boundedInt(1, MAX_ADVANCE_MS).optional(),
  })
  .strict()
  .refine((f) => f.nth !== undefined || f.probability !== undefined, {
    message: 'a fault needs `nth` (scripted) or `probability` (random)',
  });
export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema>;

/** Which request keys are silently ignored per resource (docs/zoho-api-notes.md#request-and-response-shapes, [ONION] probes); others → EXTRA_KEY_FOUND_IN_JSON. */
export const DEFAULT_IGNORED_KEYS: Record<string, string[]> = {
  projects: ['project_id'],
  milestones: ['project_id'],
  tasklists: ['milestone_id', 'project_id'],
  tasks: ['tasklist_id', 'milestone_id', 'depth', 'parent_task_id', 'parent_task', 'project_id', 'owner', 'owners'],
  timelogs: ['task_id', 'project_id'],
};

export const sandboxConfigSchema = z
  .object({
    /** Access-token lifetime, virtual seconds (docs/zoho-api-notes.md#token-endpoint). */
    tokenLifetimeS: z.number().positive().default(3600),
    /** Token requests allowed per refresh token (or per client for client_credentials) in the window (docs/zoho-api-notes.md#token-limits). */
    tokenRequestLimit: z.number().int().positive().default(10),
    /** That window, virtual seconds (docs/zoho-api-notes.md#token-limits). */
    tokenRequestWindowS: z.number().positive().default(600),
    /** HTTP status of the `Access Denied` throttle body; UNCONFIRMED (docs/zoho-api-notes.md#token-errors). */
    tokenThrottleStatus: z.number().int().default(400),
    /** Active access tokens per refresh token before the oldest is invalidated; sources say 10/15/30 (docs/zoho-api-notes.md#token-limits). */
    maxActiveAccessTokens: z.number().int().positive().default(30),
    /** Refresh tokens per (client, user); minting one more invalidates the oldest (docs/zoho-api-notes.md#token-limits, [Z-OAUTH CRM]). */
    maxRefreshTokensPerUser: z.number().int().positive().default(20),
    /** Status for a missing/invalid/expired access token: 401 (common) or 400 (V3 docs) (docs/zoho-api-notes.md#errors). */
    invalidTokenStatus: z.union([z.literal(401), z.literal(400)]).default(401),
    /**
     * Calls per window per (token owner, METHOD + path template) (docs/zoho-api-notes.md#rate-limits).
     * Written here again, not imported from zoho/rate-limit.ts: the sandbox imports only core, so a
     * wrong number in the client is caught by the emulator instead of being shared with it.
     */
    rateLimit: z.number().int().positive().default(200),
    /** Sliding window, virtual seconds (docs/zoho-api-notes.md#rate-limits). */
    rateWindowS: z.number().positive().default(120),
    /** Lock-out after the limit is passed, virtual seconds (docs/zoho-api-notes.md#rate-limits). */
    lockS: z.number().positive().default(600),
    /** '429' (documented) or '400-rolling' (observed URL_ROLLING_THROTTLES_LIMIT_EXCEEDED) (docs/zoho-api-notes.md#rate-limits). */
    throttleStyle: z.enum(['429', '400-rolling']).default('429'),
    /** Largest accepted per_page; above → INVALID_PARAMETER_VALUE (docs/zoho-api-notes.md#pagination, UNCONFIRMED). */
    maxPerPage: z.number().int().positive().default(200),
    /** Largest per_page on /api/v3.1 portal users; [WQ] reads the docs as 50 (docs/zoho-api-notes.md#pagination, UNCONFIRMED). */
    maxUsersPerPage: z.number().int().positive().default(200),
    /** per_page when none is given. */
    defaultPerPage: z.number().int().positive().default(100),
    /** An empty page: 200 with an empty list (documented) or 204 (seen on /logs, UNCONFIRMED) (docs/zoho-api-notes.md#pagination). */
    emptyListStatus: z.union([z.literal(200), z.literal(204)]).default(200),
    /** Unknown request keys: 'reject' → EXTRA_KEY_FOUND_IN_JSON, 'ignore' → silently dropped (docs/zoho-api-notes.md#request-and-response-shapes). */
    unknownKeys: z.enum(['reject', 'ignore']).default('reject'),
    /** Keys silently ignored per resource even when unknownKeys = 'reject' (docs/zoho-api-notes.md#request-and-response-shapes). */
    ignoredKeys: z.record(z.string(), z.array(z.string())).default(DEFAULT_IGNORED_KEYS),
    /** Longest time-log list window in calendar months (end_date ≤ start_date + N months) (docs/zoho-api-notes.md#time-logs). */
    timelogMaxRangeMonths: z.number().int().positive().default(6),
    /** The time-log list requires `module` (docs/zoho-api-notes.md#time-logs, [WQ]). */
    requireTimelogModule: z.boolean().default(true),
    /** A log's owner must be a member of the project (UNCONFIRMED). */
    requireProjectMembershipForLogs: z.boolean().default(true),
    /** Approval status of a new log when the request gives none (UNCONFIRMED). */
    defaultLogApproval: z.enum(['Approved', 'Unapproved', 'Rejected']).default('Unapproved'),
    /** Shape of POST/PATCH time-log answers: 'grouped' ({time_logs:[{date,log_hours,log_details}]}) or 'flat' (UNCONFIRMED). */
    timelogWriteResponse: z.enum(['grouped', 'flat']).default('grouped'),
    /**
     * Form of `created_time` on new projects, milestones, task lists, tasks and time logs. 'iso-utc'
     * (`2026-06-24T16:45:31.884Z`) is what every real V3 dump shows (docs/zoho-api-notes.md#dates-and-times). The others
     * were not observed; they exist to test a client's tolerance: 'iso-offset' (the same instant with
     * `portalUtcOffsetMin`, e.g. `+05:30`), 'local' (the portal's wall-clock time WITHOUT an offset),
     * 'epoch-ms' (ms as a digit string, like V2's `*_long`).
     */
    createdTimeForm: z.enum(['iso-utc', 'iso-offset', 'local', 'epoch-ms']).default('iso-utc'),
    /** The portal's offset from UTC in minutes, for createdTimeForm 'iso-offset' / 'local' (−720 … +840). */
    portalUtcOffsetMin: z.number().int().min(-720).max(840).default(0),
    /** Wrapper of the task-list create answer: 'root' (flat), 'tasklist' ({tasklist}) or 'tasklists' ([…]) (docs/zoho-api-notes.md#task-lists, UNCONFIRMED). */
    tasklistCreateShape: z.enum(['root', 'tasklist', 'tasklists']).default('root'),
    /**
     * Which role and profile listing paths answer: 'settings' (`/settings/roles`, `/settings/profiles`, as a
     * V3 client reads them), 'plain' (`/roles`, `/profiles`, a V2-era client) or 'both'. UNCONFIRMED
     * (docs/zoho-api-notes.md#users); a path switched off answers 400 URL_RULE_NOT_CONFIGURED.
     */
    roleListingPaths: z.enum(['settings', 'plain', 'both']).default('settings'),
    /**
     * Which e-mail addresses a user add (`userdetails[].email_id`) takes: 'international' (IDN domains and
     * UTF-8 local parts, RFC 6531), 'latin' (the rule Zoho Accounts documents: ASCII plus Latin letters
     * U+00C0–U+024F before the @, an ASCII domain) or 'ascii'; any other address → 400
     * INVALID_PARAMETER_VALUE on `email_id`, as Zoho answers a bad input. UNCONFIRMED for the Projects API
     * (docs/zoho-api-notes.md#e-mail-addresses).
     */
    emailAddresses: z.enum(['international', 'latin', 'ascii']).default('international'),
    /** Seed of the PRNG behind random faults: same seed + same request order = same faults. */
    faultSeed: z.number().int().default(1),
    /** Largest request body, bytes. */
    maxBodyBytes: z.number().int().positive().default(5_000_000),
  })
  .strict();
export type SandboxConfig = z.output<typeof sandboxConfigSchema>;

export const sandboxOptionsSchema = z
  .object({
    /** TCP port; 0 = any free port. Default 0. */
    port: z.number().int().min(0).max(65535).default(0),
    /** Interface to bind. Default 127.0.0.1. */
    host: z.string().default('127.0.0.1'),
    /** SQLite file, or ':memory:' (default). A file keeps credentials and entities across restarts. */
    db: z.string().default(':memory:'),
    /** Data for a fresh database: 'demo' (default) or 'empty'. Ignored when the file already holds data. */
    seed: z.enum(['demo', 'empty']).default('demo'),
    /** Virtual time runs this many times faster than real time (windows, locks, token lifetimes). Default 1. */
    timeScale: timeScaleSchema.default(1),
    /** Faults: an array, or the path of a JSON or YAML file holding an array (or {faults:[…]}). */
    faults: z.union([z.array(faultSpecSchema), z.string()]).optional(),
    /** Overrides of SandboxConfig defaults. */
    config: sandboxConfigSchema.partial().optional(),
    /**
     * Bearer token of the HTTP admin API (`/__sandbox/…`); default a random one per start. Scripts
     * that need a known token pass one (16–200 visible ASCII characters).
     */
    adminToken: adminTokenSchema.optional(),
  })
  .strict();
export type SandboxOptions = z.input<typeof sandboxOptionsSchema>;
export type ResolvedSandboxOptions = z.output<typeof sandboxOptionsSchema>;

export function resolveConfig(partial?: Partial<SandboxConfig>): SandboxConfig {
  return sandboxConfigSchema.parse(partial ?? {});
}
