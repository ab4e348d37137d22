/**
 * The front half of every run, dry or real: read → map → validate → key → lookups → stateful rules.
 * Each source row comes out exactly once, as a valid item or as a reject with code, field and line,
 * so per step read = valid + rejected.
 *
 * Stateful rules, kept in the scratch store (SQLite on disk: memory stays flat):
 * - ROW_DUPLICATE_KEY: the 2nd and later valid rows with a key already seen in this step; in a step with
 *   `distinct: true` they are folded into the first instead: a `skip` item (reason `folded`), counted as
 *   skipped, never a reject. The first row wins (its values are the ones loaded): a folded row whose
 *   mapped values (after lookups) differ from the first row's carries a ROW_FOLDED_DIFFERS warning. The
 *   comparison is by a 32-bit hash of the values kept with the key's claim (memory stays flat), so about
 *   one differing row in 4 billion goes unwarned; the folded row's own lookup warnings are dropped with it;
 * - ROW_DAY_OVER_24H: a time log that would take its user's total for the day past 24 h;
 * - ROW_MISSING_PARENT: a subtask or log whose task key is unknown (raised by the lookup).
 * A step's `where:` filter runs first, on the original columns: a row it leaves out comes out as a
 * `skip` item (reason `filtered`), so per step read = valid + skipped + rejected.
 * On a resumed real run (startAt) the rows before the mark are not re-read, so these two rules see only
 * the rest; keys loaded before are skipped by the crosswalk instead. A `distinct:` step is therefore
 * always resumed from its first row (src/pipeline/run/run-one-step.ts), so its folds are the same.
 *
 * The extractor's warnings: a row's own (SourceRecord.warnings, e.g. SOURCE_CONTROL_STRIPPED) ride on its
 * valid or skip item (filtered and folded rows too: they are about the file), ahead of the row's other
 * warnings; a rejected row is reported as its reject alone. Those about the file go to `onSourceWarning`,
 * but SOURCE_EMPTY, which ends the read (source-warnings.ts).
 */
import { API_USER } from '../../core/api-user.js';
import { ZpetlError } from '../../core/errors.js';
import { normEmail } from '../../core/norm-email.js';
import type { SourceWarning } from '../../core/pipeline-event.js';
import type { PreparedItem, PreparedReject } from '../../core/prepared-item.js';
import type { ExtractItem, Outcome, RowError, SourcePosition, SourceRecord } from '../../core/record.js';
import { createExtractor } from '../../extract/create-extractor.js';
import type { Extractor, StartAt } from '../../extract/types.js';
import { compileMapping } from '../../transform/map-record.js';
import type { FieldSpec } from '../../transform/field-spec.js';
import { refuseWarnedRow, resolveLookups, tryResolveLookupsSync, type ResolvedRecord } from '../../transform/lookups.js';
import { NEEDS_IO, type LookupResolver } from '../../transform/lookup-types.js';
import { validateRow } from '../../transform/validate-row.js';
import { compileRowFilter } from '../../transform/row-filter.js';
import { LOG_MAX_MINUTES } from '../../transform/entity-fields.js';
import type { LoadStepConfig } from '../file/schema.js';
import { hashKey, type ScratchStore } from './scratch-store.js';
import { fatalSourceError, repeatsReadOf } from './source-warnings.js';
import { missingColumnsError } from './step-columns.js';


export interface PrepareContext {
  baseDir: string;
  resolver: LookupResolver;
  scratch: ScratchStore;
  startAt?: StartAt;
  signal?: AbortSignal;
  /**
   * Each source warning of the read as the extractor gives it, before the rows it concerns (source-warnings.ts);
   * SOURCE_EMPTY is not one of them: it ends the read as a fatal error.
   */
  onSourceWarning?: (w: SourceWarning) => void;
}

export interface StepPreparer {
  readonly extractor: Extractor;
  /** The source warnings of the latest read so far (what `onSourceWarning` was given). */
  sourceWarnings(): readonly SourceWarning[];
  /** Items grouped per chunk read (fewer awaits); never empty. */
  batches(): AsyncIterable<PreparedItem[]>;
  items(): AsyncIterable<PreparedItem>;
}

/** How a key column's text is compared, when not as written (keyNormalisers). */
export type KeyNormaliser = ((s: string) => string) | undefined;

/** Converters that leave an address's comparable form as normEmail gives it from the raw text. */
const EMAIL_CHAIN_OK: ReadonlySet<string> = new Set(['email', 'trim', 'lower', 'upper']);

/** Whether a field's converter makes its value the normEmail form of its raw text: `email`, alone or chained with trim/lower/upper. */
function convertsToEmail(spec: FieldSpec): boolean {
  const c = spec.converter;
  if (c === undefined) return false;
  const names = (Array.isArray(c) ? c : [c]).map((x) => (typeof x === 'string' ? x : x.type));
  return names.includes('email') && names.every((n) => EMAIL_CHAIN_OK.has(n));
}

/**
 * Per key column of the step, how its text is compared (compiled once per step): a column that is the
 * `from:` (or the implied own name) of a field converted by `email` is compared by its normEmail form
 * (core/norm-email.ts), the form the field is loaded in, so `Zed@Example.com` and `zed@example.com`
 * (or `anna@bücher.de` and `ANNA@xn--bcher-kva.de`) are one key: the second row is a
 * ROW_DUPLICATE_KEY reject, or folded under `distinct: true`, never a second person counted as created.
 * Every other column is compared as written (trimmed).
 *
 * Resume: a checkpoint written before this rule stored such a key as written (`Zed@Example.com`). On
 * resume the row's key is now `zed@example.com`, which the crosswalk does not hold, so the row is not
 * skipped by its key; it reaches the loader, whose natural key matches it again: for users the e-mail,
 * normalised the same way (src/load/loaders/users.ts findExisting and addMemberships look the person up
 * among the project's members by normEmail), so a person added before is answered `skipped` with their
 * id, not added twice. A skipped row records a crosswalk row under the new key next to the old one.
 */
export function keyNormalisers(step: Pick<LoadStepConfig, 'key' | 'fields'>): KeyNormaliser[] {
  const emailColumns = new Set<string>();
  for (const [target, spec] of Object.entries(step.fields)) {
    if (!convertsToEmail(spec)) continue;
    if (spec.template !== undefined || spec.coalesce !== undefined || spec.collect !== undefined) continue;
    emailColumns.add(spec.from ?? target);
  }
  return step.key.map((c) => (emailColumns.has(c) ? normEmail : undefined));
}

/**
 * The key of a record: one column → its value; several → a JSON array (unambiguous either way within a
 * step). `norm[i]`, when given, is how column i's text is compared (keyNormalisers); runs per row.
 */
export function keyOf(columns: readonly string[], data: Record<string, unknown>, pos: SourcePosition, norm?: readonly KeyNormaliser[]): { key: string } | { error: RowError } {
  if (columns.length === 1) {
    const v = data[columns[0]!];
    const s = typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (s === '') return { error: { code: 'ROW_REQUIRED', message: `key column "${columns[0]}" is empty`, field: columns[0]!, pos } };
    const n = norm?.[0];
    return { key: n === undefined ? s : n(s) };
  }
  const parts: string[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const v = data[c];
    const s = v === undefined || v === null ? '' : typeof v === 'string' ? v.trim() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (s === '') return { error: { code: 'ROW_REQUIRED', message: `key column "${c}" is empty`, field: c, pos } };
    const n = norm?.[i];
    parts.push(n === undefined ? s : n(s));
  }
  return { key: parts.length === 1 ? parts[0]! : JSON.stringify(parts) };
}

/**
 * Bytes read per chunk (one batch of items, ~650 time-log rows). Smaller than the extractors' 256 KiB
 * default: a batch's rows are all alive while it is prepared, and at 256 KiB (~2 600 rows) many
 * outlive a young-generation collection and are promoted, which a full GC alone frees. Below 64 KiB memory does not
 * improve measurably (32 KiB: same peak) and each chunk costs a read on the thread pool.
 */
const PREPARE_CHUNK_BYTES = 64 * 1024;

/** Distinct user values whose e-mail match form prepare remembers (then it starts again). */
const PEOPLE_REMEMBERED = 10_000;

/**
 * A load step's rows, prepared: read from its source and, per row in source order, filtered (`where:`),
 * mapped, validated, keyed, looked up (synchronously when the resolver can answer from a cache or local
 * rows), then checked against the step's earlier rows (a repeated key is rejected, or folded in a
 * `distinct:` step) and, for time logs, against the person's 24 h per day. Each row becomes a valid
 * item (with the warnings `onMissing: warn` left, after the extractor's own for the row, e.g.
 * SOURCE_CONTROL_STRIPPED), a skip or a reject; nothing is sent. Before the first row, every column the
 * step names is checked against the header (step-columns.ts, SOURCE_MISSING_COLUMN), also when the file
 * has a header and no rows. The extractor's source warnings go to `onSourceWarning`, except SOURCE_EMPTY,
 * which ends the read as a fatal error (source-warnings.ts). The run and the dry run both prepare through it.
 */
export function createStepPreparer(step: LoadStepConfig, ctx: PrepareContext): StepPreparer {
  let sourceWarnings: SourceWarning[] = [];
  let fatal: ZpetlError | undefined;
  const onWarning = (w: SourceWarning): void => {
    const f = fatalSourceError(step.name, w);
    if (f) {
      fatal ??= f;
      return;
    }
    sourceWarnings.push(w);
    ctx.onSourceWarning?.(w);
  };
  const extractor = createExtractor(step.source, {
    chunkBytes: PREPARE_CHUNK_BYTES,
    baseDir: ctx.baseDir,
    ...(ctx.startAt ? { startAt: ctx.startAt } : {}),
    repeatsRead: repeatsReadOf(step),
    onWarning,
  });
  const mapper = compileMapping(step.fields);
  const keyNorm = keyNormalisers(step);
  const isLog = step.entity === 'timelog';
  const filter = compileRowFilter(step.where);
  const reject = (error: RowError, data: Record<string, unknown>): PreparedReject => ({ kind: 'reject', error, pos: error.pos, data });
  // normEmail per distinct user value, remembered (~1% of a 300k-row dry run), up to PEOPLE_REMEMBERED.
  const people = new Map<string, string>();
  const personOf = (user: string): string => {
    let p = people.get(user);
    if (p === undefined) {
      if (people.size >= PEOPLE_REMEMBERED) people.clear(); // memory stays flat whatever the file holds
      people.set(user, (p = normEmail(user)));
    }
    return p;
  };

  /**
   * After the lookups, the stateful rules (duplicate key or fold, 24 h/day), in this order for every row.
   * `warnings` are the row's own (a lookup with `onMissing: warn`), kept on the valid item.
   */
  function finish(key: string, values: Record<string, unknown>, pos: SourcePosition, data: Record<string, unknown>, warnings?: readonly RowError[]): PreparedItem {
    // Hashed only in a distinct step: elsewhere a repeat is rejected whatever its values.
    const valueHash = step.distinct ? hashKey('', JSON.stringify(values)) | 0 : 0;
    if (!ctx.scratch.claimKey(step.name, key, valueHash)) return repeated(key, valueHash, pos, data);
    if (isLog && typeof values['minutes'] === 'number' && typeof values['date'] === 'string') {
      const user = typeof values['user'] === 'string' ? values['user'] : '';
      // One person, however the file spells their address: e-mail addresses are compared case-insensitively,
      // as Zoho does (a user column mapped without the email converter keeps its case otherwise).
      const r = ctx.scratch.addDayMinutes(user.includes('@') ? personOf(user) : user, values['date'], values['minutes'], LOG_MAX_MINUTES);
      if (!r.added) {
        return reject({
          code: 'ROW_DAY_OVER_24H',
          message: `${values['minutes']} min would bring ${user === '' || user === API_USER ? 'the API user' : 'this user'}'s total for ${values['date']} to ${r.before + values['minutes']} min, over 24 h (1440 min)`,
          field: 'minutes',
          value: values['minutes'],
          pos,
        }, data);
      }
    }
    // Two literals, not a spread: this runs for every valid row.
    return warnings !== undefined && warnings.length > 0 ? { kind: 'valid', key, values, pos, data, warnings } : { kind: 'valid', key, values, pos, data };
  }

  /** A row whose key this step has seen: folded in a `distinct:` step, else a ROW_DUPLICATE_KEY reject. */
  function repeated(key: string, valueHash: number, pos: SourcePosition, data: Record<string, unknown>): PreparedItem {
    const field = step.key.join(',');
    if (!step.distinct) {
      return reject({ code: 'ROW_DUPLICATE_KEY', message: `key ${key} appeared earlier in this step's source (only the first row with a key is loaded; to load one record per distinct key, set distinct: true on the step)`, field, value: key, pos }, data);
    }
    if (ctx.scratch.claimedValueHash(step.name, key) === valueHash) return { kind: 'skip', reason: 'folded', pos, data };
    const differs: RowError = { code: 'ROW_FOLDED_DIFFERS', message: `key ${key} appeared earlier in this step's source, with other values: this row is folded into the first one, whose values are loaded`, field, value: key, pos };
    return { kind: 'skip', reason: 'folded', pos, data, warnings: [differs] };
  }

  /** After the lookups: a reject, or the row through `finish` with the warnings `onMissing: warn` left. */
  function looked(r: Outcome<ResolvedRecord>, key: string, pos: SourcePosition, data: Record<string, unknown>): PreparedItem {
    if (!r.ok) return reject(r.error, data);
    if (r.value.warnings.length === 0) return finish(key, r.value.values, pos, data);
    // `onMissing: warn` emptied fields after validation ran: the row must still be loadable.
    const refused = refuseWarnedRow(step.entity, r.value, pos);
    return refused ? reject(refused, data) : finish(key, r.value.values, pos, data, r.value.warnings);
  }

  /**
   * A row's outcome, with the extractor's warnings for the row (SourceRecord.warnings) ahead of its own
   * on a valid or skip item (a reject is reported as the reject alone); a promise only when a lookup needs I/O.
   */
  function prepareRecord(record: SourceRecord): PreparedItem | Promise<PreparedItem> {
    const extracted = record.warnings;
    if (extracted === undefined || extracted.length === 0) return prepareRow(record);
    const r = prepareRow(record);
    return r instanceof Promise ? r.then((it) => withExtractWarnings(it, extracted)) : withExtractWarnings(r, extracted);
  }

  /** A row's outcome; a promise only when a lookup needs I/O (cache hits and local rows answer synchronously). */
  function prepareRow(record: SourceRecord): PreparedItem | Promise<PreparedItem> {
    const { data, pos } = record;
    if (filter && !filter.keep(data)) return { kind: 'skip', reason: 'filtered', pos, data };
    const mapped = mapper(record);
    if (!mapped.ok) return reject(mapped.error, data);
    const problems = validateRow(step.entity, mapped.value.values, pos);
    if (problems.length > 0) return reject(problems[0]!, data);
    const k = keyOf(step.key, data, pos, keyNorm);
    if ('error' in k) return reject(k.error, data);
    if (mapped.value.lookups.length === 0) return finish(k.key, mapped.value.values, pos, data);
    const key = k.key;
    const now = tryResolveLookupsSync(mapped.value, ctx.resolver, pos);
    if (now !== NEEDS_IO) return looked(now, key, pos, data);
    return resolveLookups(mapped.value, ctx.resolver, pos).then((r) => looked(r, key, pos, data));
  }

  let headerChecked = false;
  const checkHeader = (): void => void ((headerChecked = true), checkColumns(step, extractor));

  async function* batches(): AsyncIterable<PreparedItem[]> {
    sourceWarnings = [];
    fatal = undefined;
    headerChecked = false;
    for await (const batch of extractor.readBatches(ctx.signal)) {
      if (fatal) throw fatal;
      if (!headerChecked) checkHeader();
      const out: PreparedItem[] = new Array(batch.length);
      ctx.scratch.begin();
      try {
        for (let i = 0; i < batch.length; i++) {
          const it: ExtractItem = batch[i]!;
          if (it.kind === 'reject') out[i] = reject(it.reject.error, it.reject.data);
          else {
            const r = prepareRecord(it.record);
            out[i] = r instanceof Promise ? await r : r;
          }
        }
      } finally {
        ctx.scratch.commit();
      }
      yield out;
    }
    // An empty file says so first; a file with a header and no rows still has its columns checked.
    if (fatal) throw fatal;
    if (!headerChecked) checkHeader();
  }
  return {
    extractor,
    sourceWarnings: () => sourceWarnings,
    batches,
    async *items() {
      for await (const b of batches()) yield* b;
    },
  };
}

/** Every column the step names checked once the header is known (step-columns.ts). No header (JSON sources): nothing to check. */
function checkColumns(step: LoadStepConfig, extractor: Extractor): void {
  const h = extractor.header();
  const error = h ? missingColumnsError(step, extractor.source, h) : undefined;
  if (error) throw error;
}

/** `item` with the extractor's warnings for its row ahead of its own; a reject unchanged. */
function withExtractWarnings(item: PreparedItem, extracted: readonly RowError[]): PreparedItem {
  if (item.kind === 'reject') return item;
  return { ...item, warnings: item.warnings === undefined ? extracted : [...extracted, ...item.warnings] };
}

/** prepareStep(step, ctx): the step's rows as valid items and rejects, in source order. */
export function prepareStep(step: LoadStepConfig, ctx: PrepareContext): AsyncIterable<PreparedItem> {
  if (!('entity' in step)) throw new ZpetlError('INTERNAL', 'prepareStep takes load steps only');
  return createStepPreparer(step, ctx).items();
}
