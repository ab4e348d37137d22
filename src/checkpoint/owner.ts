/**
 * Which pipeline a checkpoint belongs to. Records and the crosswalk are keyed by step name + source
 * key only, so a checkpoint shared by two pipelines would make the second take the first one's keys for
 * its own and skip rows it never loaded. A checkpoint therefore belongs to ONE pipeline, written into
 * it (table `checkpoint_owner`, src/checkpoint/schema-owner.ts) by the first writer that opens it, and
 * every opener compares itself with that owner before it reads a record.
 *
 * The identity is the pipeline's name and the Zoho portal id it targets: what makes the crosswalk's
 * ids mean something. Not the API host (it changes legitimately: ZOHO_API_URL, a proxy, a sandbox on a
 * new port each start, and a client handed to the library does not say it), nor anything users edit
 * between runs (batch sizes, mappings, sources: a changed source is SOURCE_CHANGED's business). A
 * portal the opener does not know (a payroll export from a file) is not compared; the first writer
 * that knows it fills it in.
 *
 * A file made before owners existed is adopted by the first writer that opens it, with a notice,
 * unless its runs are all of other pipelines: then it is refused like any foreign file. Read-only
 * openers (the dry run, `status`, `rejects`) compare but never write the owner.
 */
import { ZpetlError } from '../core/errors.js';
import type { Db } from './db.js';

export interface CheckpointOwner {
  /** The pipeline's `name:` (or PAYROLL_CHECKPOINT_OWNER for a payroll export given no pipeline). */
  pipeline: string;
  /** The Zoho portal id it loads into or exports from; undefined when the opener does not know it. */
  portalId?: string | undefined;
}

/** The owner of the checkpoint shared by payroll exports given no pipeline file (`.zpetl/payroll.db`). */
export const PAYROLL_CHECKPOINT_OWNER = 'payroll';

interface OwnerRow {
  pipeline: string;
  portal_id: string | null;
}

const hasTable = (db: Db, name: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

const describe = (o: CheckpointOwner): string => `pipeline "${o.pipeline}"${o.portalId ? ` (portal ${o.portalId})` : ''}`;

function refused(path: string, owner: string, opener: CheckpointOwner, why: string): ZpetlError {
  return new ZpetlError('CHECKPOINT_OTHER_PIPELINE', `checkpoint database ${path} ${why}, not to ${describe(opener)}: its records would count as this pipeline's and be skipped`, {
    field: 'db',
    value: path,
    hint: `Each pipeline keeps its own checkpoint: give ${opener.pipeline} its own file (leave out --db for its default, or pass another --db), or use this one with ${owner}.`,
    details: { path, owner, pipeline: opener.pipeline, ...(opener.portalId ? { portalId: opener.portalId } : {}) },
  });
}

/**
 * Compares `opener` with the owner recorded in the open checkpoint `db` at `path`, and throws
 * CHECKPOINT_OTHER_PIPELINE (fatal) when another pipeline, or the same on another portal, owns it.
 * With `write`, a file without an owner is claimed (and a missing portal id filled in), in one
 * IMMEDIATE transaction; returns a notice when that adopted a file made by an older zpetl
 * (`existed`: it held data before this open). Without `write` nothing is written.
 */
export function checkOwner(db: Db, path: string, opener: CheckpointOwner, o: { write: boolean; existed?: boolean; nowMs?: number }): string | undefined {
  const check = (): string | undefined => {
    const row = hasTable(db, 'checkpoint_owner') ? db.prepare<[], OwnerRow>('SELECT pipeline, portal_id FROM checkpoint_owner WHERE id = 1').get() : undefined;
    if (row) {
      const owner = { pipeline: row.pipeline, portalId: row.portal_id ?? undefined };
      if (row.pipeline !== opener.pipeline) throw refused(path, describe(owner), opener, `belongs to ${describe(owner)}`);
      if (row.portal_id && opener.portalId && row.portal_id !== opener.portalId) {
        throw refused(path, `portal ${row.portal_id}`, opener, `belongs to ${describe(owner)}`);
      }
      if (o.write && !row.portal_id && opener.portalId) db.prepare('UPDATE checkpoint_owner SET portal_id = ? WHERE id = 1').run(opener.portalId);
      return undefined;
    }
    // No owner yet (a new file, or one from an older zpetl): its runs say whose it has been.
    const runsOf = hasTable(db, 'runs') ? db.prepare<[], { pipeline: string }>('SELECT DISTINCT pipeline FROM runs ORDER BY pipeline').all().map((r) => r.pipeline) : [];
    if (runsOf.length > 0 && !runsOf.includes(opener.pipeline)) {
      const names = runsOf.map((n) => `"${n}"`).join(', ');
      throw refused(path, `pipeline ${names}`, opener, `names no owner but holds runs of pipeline ${names} only, so it belongs to ${runsOf.length > 1 ? 'them' : 'it'}`);
    }
    if (!o.write) return undefined;
    db.prepare('INSERT INTO checkpoint_owner (id, pipeline, portal_id, claimed_ms, adopted) VALUES (1, ?, ?, ?, ?)').run(opener.pipeline, opener.portalId ?? null, o.nowMs ?? Date.now(), o.existed ? 1 : 0);
    if (!o.existed) return undefined;
    const others = runsOf.filter((n) => n !== opener.pipeline);
    return `checkpoint ${path} was made by an older zpetl and named no owner: it now belongs to ${describe(opener)}${
      others.length ? `; it also holds runs of ${others.map((n) => `"${n}"`).join(', ')}, whose keys count as this pipeline's` : ''
    }`;
  };
  return o.write ? db.transaction(check).immediate() : check();
}
