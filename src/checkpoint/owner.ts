/**
 * Which pipeline a checkpoint belongs to. Records and the crosswalk are keyed by step name + source
 * key only, so a checkpoint shared by two pipelines would make the second take the first one's keys for
 * its own and skip rows it never loaded. A checkpoint therefore belongs to ONE pipeline, written into
 * it (table `checkpoint_owner`, src/checkpoint/schema-owner.ts) by the first writer that opens it, and
 * every opener compares itself with that owner before it reads a record.
 *
 * The identity is the pipeline's name, the Zoho portal id it targets (what makes the crosswalk's ids
 * mean something) and, when the pipeline comes from a file, that file's real path: pipeline files are
 * copied with their `name:`, and two copies with the same name would share `.zpetl/<name>.db`. Not the
 * API host (it changes legitimately: ZOHO_API_URL, a proxy, a sandbox on a new port each start, and a
 * client handed to the library does not say it), nor anything users edit between runs (batch sizes,
 * mappings, sources: editing the file in place keeps its path; a changed source is SOURCE_CHANGED's
 * business). A portal or file the opener does not know (a payroll export from a file; a pipeline given
 * to the library as an object without `file`) is not compared; the first writer that knows it fills it
 * in, as it does in a file claimed before files were recorded.
 *
 * A file made before owners existed is adopted by the first writer that opens it, with a notice,
 * unless its runs are all of other pipelines: then it is refused like any foreign file. Read-only
 * openers (the dry run, `status`, `rejects`) compare but never write the owner.
 *
 * A writer told to adopt (`zpetl run --adopt-checkpoint`: the same pipeline renamed or its file moved)
 * takes over a checkpoint of another name or file: the owner and the old owner's runs become this
 * pipeline's, and the notice says from what to what. Never across portals: the crosswalk holds the other
 * portal's ids, which name nothing (or something else) on this one.
 */
import { ZpetlError } from '../core/errors.js';
import type { Db } from './db-handle.js';

export interface CheckpointOwner {
  /** The pipeline's `name:` (or PAYROLL_CHECKPOINT_OWNER for a payroll export given no pipeline). */
  pipeline: string;
  /** The Zoho portal id it loads into or exports from; undefined when the opener does not know it. */
  portalId?: string | undefined;
  /** Real path of the pipeline file; undefined for a pipeline that comes from no file. */
  file?: string | undefined;
}

/** The owner of the checkpoint shared by payroll exports given no pipeline file (`.zpetl/payroll.db`). */
export const PAYROLL_CHECKPOINT_OWNER = 'payroll';

/** How a user takes a checkpoint over for a renamed or moved pipeline: written once, for every message. */
export const ADOPT_FLAG = '--adopt-checkpoint';

interface OwnerRow {
  pipeline: string;
  portal_id: string | null;
  pipeline_file: string | null;
}

const hasTable = (db: Db, name: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** The owner row; a read-only opener may meet a file from before `pipeline_file` (never migrated here). */
function ownerRow(db: Db): OwnerRow | undefined {
  if (!hasTable(db, 'checkpoint_owner')) return undefined;
  const withFile = db.prepare<[], { name: string }>('PRAGMA table_info(checkpoint_owner)').all().some((c) => c.name === 'pipeline_file');
  return db.prepare<[], OwnerRow>(`SELECT pipeline, portal_id, ${withFile ? 'pipeline_file' : 'NULL AS pipeline_file'} FROM checkpoint_owner WHERE id = 1`).get();
}

const describe = (o: CheckpointOwner): string => {
  const of = [o.file ? `file ${o.file}` : '', o.portalId ? `portal ${o.portalId}` : ''].filter(Boolean).join(', ');
  return `pipeline "${o.pipeline}"${of ? ` (${of})` : ''}`;
};

interface Refusal {
  path: string;
  /** The owner as the hint names it: `pipeline "conc" (portal 6001)`. */
  owner: string;
  /** The owner's file, when recorded. */
  ownerFile?: string | undefined;
  opener: CheckpointOwner;
  /** What the file is, after "checkpoint database PATH". */
  why: string;
  /** The rest of the hint after "Each pipeline keeps its own checkpoint: …". */
  hint: string;
}

function refused(r: Refusal): ZpetlError {
  return new ZpetlError('CHECKPOINT_OTHER_PIPELINE', `checkpoint database ${r.path} ${r.why}, not to ${describe(r.opener)}: its records would count as this pipeline's and be skipped`, {
    field: 'db',
    value: r.path,
    hint: `Each pipeline keeps its own checkpoint: give ${r.opener.pipeline} its own file (leave out --db for its default, or pass another --db), or use this one with ${r.owner}.${r.hint}`,
    details: {
      path: r.path,
      owner: r.owner,
      pipeline: r.opener.pipeline,
      ...(r.ownerFile ? { ownerFile: r.ownerFile } : {}),
      ...(r.opener.file ? { file: r.opener.file } : {}),
      ...(r.opener.portalId ? { portalId: r.opener.portalId } : {}),
    },
  });
}

/** The hint's offer to take the file over, for a writer without the flag or a reader (which cannot). */
const adoptHint = (o: { write: boolean }) =>
  o.write
    ? ` If this is the same pipeline renamed or its file moved, run it with ${ADOPT_FLAG} (zpetl run or resume) to make the checkpoint its own.`
    : ` If this is the same pipeline renamed or its file moved, \`zpetl run ${ADOPT_FLAG}\` takes the checkpoint over (this reader never writes it).`;

export interface CheckOwnerOptions {
  /** A writable opener: claims a file without an owner, fills in a missing portal or file, may adopt. */
  write: boolean;
  /** The file held data before this open (an older zpetl's when it has no owner). */
  existed?: boolean;
  /** Epoch ms recorded as the claim's time (default Date.now()). */
  nowMs?: number;
  /** Take over a checkpoint of another name or file (writers only; never another portal's). */
  adopt?: boolean;
}

/**
 * Compares `opener` with the owner recorded in the open checkpoint `db` at `path`, and throws
 * CHECKPOINT_OTHER_PIPELINE (fatal) when another pipeline (name or file), or the same on another portal,
 * owns it. With `write`, a file without an owner is claimed (and a missing portal id or file filled in),
 * in one IMMEDIATE transaction; returns a notice when that adopted a file made by an older zpetl
 * (`existed`: it held data before this open) or, with `adopt`, took one over from another name or file.
 * Without `write` nothing is written.
 */
export function checkOwner(db: Db, path: string, opener: CheckpointOwner, o: CheckOwnerOptions): string | undefined {
  const adopt = o.write && o.adopt === true;
  const nowMs = o.nowMs ?? Date.now();
  const check = (): string | undefined => {
    const row = ownerRow(db);
    const runsOf = (): string[] => (hasTable(db, 'runs') ? db.prepare<[], { pipeline: string }>('SELECT DISTINCT pipeline FROM runs ORDER BY pipeline').all().map((r) => r.pipeline) : []);
    if (row) {
      const owner: CheckpointOwner = { pipeline: row.pipeline, portalId: row.portal_id ?? undefined, file: row.pipeline_file ?? undefined };
      if (row.portal_id && opener.portalId && row.portal_id !== opener.portalId) {
        throw refused({
          path,
          owner: describe(owner),
          opener,
          why: `belongs to ${describe(owner)}`,
          hint: ` ${ADOPT_FLAG} cannot take it over${adopt ? ' either' : ''}: its crosswalk holds ids of portal ${row.portal_id}, which name nothing (or something else) on portal ${opener.portalId}.`,
        });
      }
      const otherName = row.pipeline !== opener.pipeline;
      const otherFile = row.pipeline_file !== null && opener.file !== undefined && row.pipeline_file !== opener.file;
      if ((otherName || otherFile) && !adopt) {
        const why = otherName ? `belongs to ${describe(owner)}` : `belongs to pipeline "${row.pipeline}" of another file, ${row.pipeline_file}`;
        throw refused({ path, owner: describe(owner), ownerFile: owner.file, opener, why, hint: adoptHint(o) });
      }
      if (!o.write) return undefined;
      if (otherName || otherFile) {
        db.prepare('UPDATE checkpoint_owner SET pipeline = ?, portal_id = coalesce(?, portal_id), pipeline_file = ?, claimed_ms = ?, adopted = 1 WHERE id = 1').run(
          opener.pipeline,
          opener.portalId ?? null,
          opener.file ?? null,
          nowMs,
        );
        // Its history goes with it: `status` and `resume` of this pipeline find the runs it made under the old name.
        if (otherName) db.prepare('UPDATE runs SET pipeline = ? WHERE pipeline = ?').run(opener.pipeline, row.pipeline);
        const now: CheckpointOwner = { ...opener, portalId: opener.portalId ?? owner.portalId };
        return `checkpoint ${path} adopted (${ADOPT_FLAG}): it belonged to ${describe(owner)} and now belongs to ${describe(now)}; its keys count as this pipeline's`;
      }
      if (!row.portal_id && opener.portalId) db.prepare('UPDATE checkpoint_owner SET portal_id = ? WHERE id = 1').run(opener.portalId);
      if (!row.pipeline_file && opener.file) db.prepare('UPDATE checkpoint_owner SET pipeline_file = ? WHERE id = 1').run(opener.file);
      return undefined;
    }
    // No owner yet (a new file, or one from an older zpetl): its runs say whose it has been.
    const runs = runsOf();
    const others = runs.filter((n) => n !== opener.pipeline);
    const names = (list: string[]) => list.map((n) => `"${n}"`).join(', ');
    if (runs.length > 0 && others.length === runs.length && !adopt) {
      throw refused({
        path,
        owner: `pipeline ${names(runs)}`,
        opener,
        why: `names no owner but holds runs of pipeline ${names(runs)} only, so it belongs to ${runs.length > 1 ? 'them' : 'it'}`,
        hint: adoptHint(o),
      });
    }
    if (!o.write) return undefined;
    db.prepare('INSERT INTO checkpoint_owner (id, pipeline, portal_id, pipeline_file, claimed_ms, adopted) VALUES (1, ?, ?, ?, ?, ?)').run(
      opener.pipeline,
      opener.portalId ?? null,
      opener.file ?? null,
      nowMs,
      o.existed ? 1 : 0,
    );
    if (!o.existed) return undefined;
    if (adopt && others.length === runs.length && runs.length > 0) {
      if (runs.length === 1) db.prepare('UPDATE runs SET pipeline = ? WHERE pipeline = ?').run(opener.pipeline, runs[0]!);
      return `checkpoint ${path} adopted (${ADOPT_FLAG}): made by an older zpetl, it named no owner and held runs of pipeline ${names(runs)} only; it now belongs to ${describe(opener)}`;
    }
    return `checkpoint ${path} was made by an older zpetl and named no owner: it now belongs to ${describe(opener)}${
      others.length ? `; it also holds runs of ${names(others)}, whose keys count as this pipeline's` : ''
    }`;
  };
  return o.write ? db.transaction(check).immediate() : check();
}
