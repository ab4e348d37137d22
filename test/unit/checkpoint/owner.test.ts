/**
 * The owner of a checkpoint (src/checkpoint/owner.ts): claimed by the first writer, refused to another
 * pipeline or portal, adopted (with a notice) when an older zpetl made the file, and never written by
 * read-only openers.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { openCheckpointDb, type CheckpointDb } from '../../../src/checkpoint/db.js';
import { MIGRATIONS } from '../../../src/checkpoint/migrations.js';
import { checkOwner } from '../../../src/checkpoint/owner.js';
import { createCheckpointStore } from '../../../src/checkpoint/store.js';
import { openDryCheckpoint } from '../../../src/pipeline/dry-checkpoint.js';
import { listRejects, readPipelineStatus } from '../../../src/pipeline/status/status.js';
import { it } from '../../helpers/fixtures.js';
import { errorOf } from '../../helpers/thrown.js';

let dir: string;
let path: string;
const open: CheckpointDb[] = [];
it.beforeEach(({ tmp }) => {
  dir = tmp;
  path = join(dir, 'p.db');
});
// Before the fixture removes the folder.
it.afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

const OWNER_VERSION = MIGRATIONS.findIndex((m) => m.name === 'checkpoint owner') + 1;

/** A checkpoint as the zpetl before owners left it: schema version 4, with runs of `pipelines`. */
function olderFile(...pipelines: string[]): void {
  const db = new Database(path);
  for (const m of MIGRATIONS.slice(0, OWNER_VERSION - 1)) db.exec(m.sql);
  db.pragma(`user_version = ${OWNER_VERSION - 1}`);
  for (const p of pipelines) db.prepare("INSERT INTO runs (pipeline, started_ms, status) VALUES (?, 1, 'interrupted')").run(p);
  db.prepare("INSERT INTO crosswalk (step, key, entity, zoho_id, origin, created_ms) VALUES ('tasks', 'T1', 'task', '1000000000000000001', 'created', 1)").run();
  db.close();
}

const ownerRow = () => {
  const db = new Database(path, { readonly: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'checkpoint_owner'").get();
    return has ? db.prepare('SELECT pipeline, portal_id, adopted FROM checkpoint_owner').all() : 'no table';
  } finally {
    db.close();
  }
};

const openFor = (pipeline: string, portalId?: string, file?: string, adopt = false) => {
  const c = openCheckpointDb(path, { owner: { pipeline, portalId, file }, nowMs: 5, adopt });
  open.push(c);
  return c;
};

describe('checkpoint owner', () => {
  it('the first writer claims a new file without a notice; the same pipeline opens it again', () => {
    const c = openFor('conc', '6001');
    expect(c.notice).toBeUndefined();
    c.close();
    expect(ownerRow()).toEqual([{ pipeline: 'conc', portal_id: '6001', adopted: 0 }]);
    expect(openFor('conc', '6001').notice).toBeUndefined();
  });

  it('another pipeline is refused with the file, both pipelines and a hint; nothing is written', () => {
    openFor('conc', '6001').close();
    const e = errorOf(() => openFor('concB', '6001'));
    expect(e.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(e.disposition).toBe('fatal');
    expect(e.message).toBe(
      `checkpoint database ${path} belongs to pipeline "conc" (portal 6001), not to pipeline "concB" (portal 6001): its records would count as this pipeline's and be skipped`,
    );
    expect(e.hint).toMatch(/give concB its own file .*--db.* or use this one with pipeline "conc"/);
    expect(e.details).toMatchObject({ path, pipeline: 'concB' });
    expect(ownerRow()).toEqual([{ pipeline: 'conc', portal_id: '6001', adopted: 0 }]);
    // the refused open released its lock: the owner opens it at once
    expect(openFor('conc', '6001').db.open).toBe(true);
  });

  it('the same pipeline on another portal is refused; an unknown portal is not compared, and the first known one is filled in', () => {
    openFor('payroll').close();
    expect(ownerRow()).toEqual([{ pipeline: 'payroll', portal_id: null, adopted: 0 }]);
    openFor('payroll', '6001').close();
    expect(ownerRow()).toEqual([{ pipeline: 'payroll', portal_id: '6001', adopted: 0 }]);
    openFor('payroll').close();
    expect(errorOf(() => openFor('payroll', '6002')).message).toMatch(/belongs to pipeline "payroll" \(portal 6001\), not to pipeline "payroll" \(portal 6002\)/);
  });

  it('an older file without an owner is adopted by its pipeline, and says so', () => {
    olderFile('conc');
    const c = openFor('conc', '6001');
    expect(c.notice).toBe(`checkpoint ${path} was made by an older zpetl and named no owner: it now belongs to pipeline "conc" (portal 6001)`);
    expect(c.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    c.close();
    expect(ownerRow()).toEqual([{ pipeline: 'conc', portal_id: '6001', adopted: 1 }]);
    expect(errorOf(() => openFor('concB')).code).toBe('CHECKPOINT_OTHER_PIPELINE');
  });

  it('an older file with no run yet is adopted by the first pipeline; one already shared names the others', () => {
    olderFile();
    expect(openFor('first').notice).toMatch(/now belongs to pipeline "first"$/);
    open.splice(0).forEach((c) => c.close());
    rmSync(path);
    olderFile('conc', 'concB');
    expect(openFor('conc').notice).toMatch(/now belongs to pipeline "conc"; it also holds runs of "concB", whose keys count as this pipeline's/);
  });

  it("an older file holding only other pipelines' runs is refused, not adopted", () => {
    olderFile('conc');
    const e = errorOf(() => openFor('concB'));
    expect(e.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(e.message).toMatch(/names no owner but holds runs of pipeline "conc" only, so it belongs to it, not to pipeline "concB"/);
    // migrated (the writer held the lock), but no owner written
    expect(ownerRow()).toEqual([]);
  });
});

describe('read-only openers (dry run, status, rejects) compare and never write the owner', () => {
  it('an older, unmigrated file: read as it is, foreign runs refused, no owner table made', () => {
    olderFile('conc');
    const dry = openDryCheckpoint(path, { pipeline: 'conc' });
    expect(dry?.crosswalkIds('tasks', ['T1']).get('T1')).toBe('1000000000000000001');
    dry?.close();
    expect(readPipelineStatus(path, 'conc').run?.pipeline).toBe('conc');
    expect(listRejects(path, 'conc').run?.pipeline).toBe('conc');
    expect(errorOf(() => openDryCheckpoint(path, { pipeline: 'concB' })).code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(errorOf(() => readPipelineStatus(path, 'concB')).code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(errorOf(() => listRejects(path, 'concB')).code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(ownerRow()).toBe('no table');
  });

  it('a migrated file without an owner: the readers leave it without one', () => {
    const c = openCheckpointDb(path);
    createCheckpointStore(c.db).startRun('conc');
    c.close();
    openDryCheckpoint(path, { pipeline: 'conc', portalId: '6001' })?.close();
    readPipelineStatus(path, 'conc', { portalId: '6001' });
    expect(ownerRow()).toEqual([]);
  });

  it('an owned file: another pipeline or portal refused, the owner read', () => {
    openFor('conc', '6001').close();
    expect(errorOf(() => readPipelineStatus(path, 'concB')).message).toMatch(/belongs to pipeline "conc" \(portal 6001\)/);
    expect(errorOf(() => readPipelineStatus(path, 'conc', { portalId: '6002' })).code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(readPipelineStatus(path, 'conc').run).toBeUndefined();
    // checkOwner without write on a writable handle writes nothing either
    const db = new Database(path);
    db.exec('DELETE FROM checkpoint_owner');
    expect(checkOwner(db, path, { pipeline: 'x' }, { write: false })).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM checkpoint_owner').pluck().get()).toBe(0);
    db.close();
  });
});

describe('the owner file and adopting', () => {
  const fileRow = () => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare('SELECT pipeline, portal_id, pipeline_file, adopted FROM checkpoint_owner').get();
    } finally {
      db.close();
    }
  };

  it('an owner claimed without a file (a migration-5 file, or a library object) is filled in by the first writer from a file, not refused', () => {
    openFor('conc', '6001').close();
    expect(fileRow()).toEqual({ pipeline: 'conc', portal_id: '6001', pipeline_file: null, adopted: 0 });
    expect(openFor('conc', '6001', '/p/p1.yaml').notice).toBeUndefined();
    open.splice(0).forEach((c) => c.close());
    expect(fileRow()).toEqual({ pipeline: 'conc', portal_id: '6001', pipeline_file: '/p/p1.yaml', adopted: 0 });
    // an opener that knows no file is not compared; another file is refused, naming both
    openFor('conc', '6001').close();
    const e = errorOf(() => openFor('conc', '6001', '/p/pcopy.yaml'));
    expect(e.message).toBe(
      `checkpoint database ${path} belongs to pipeline "conc" of another file, /p/p1.yaml, not to pipeline "conc" (file /p/pcopy.yaml, portal 6001): its records would count as this pipeline's and be skipped`,
    );
    expect(e.hint).toMatch(/run it with --adopt-checkpoint \(zpetl run or resume\)/);
    expect(e.details).toMatchObject({ ownerFile: '/p/p1.yaml', file: '/p/pcopy.yaml' });
  });

  it('adopt rewrites the owner and the old name\'s runs, with a notice from what to what; never across portals', () => {
    const c = openFor('conc', '6001', '/p/p1.yaml');
    createCheckpointStore(c.db).startRun('conc');
    c.close();
    const a = openFor('conc-renamed', undefined, '/q/renamed.yaml', true);
    expect(a.notice).toBe(
      `checkpoint ${path} adopted (--adopt-checkpoint): it belonged to pipeline "conc" (file /p/p1.yaml, portal 6001) and now belongs to pipeline "conc-renamed" (file /q/renamed.yaml, portal 6001); its keys count as this pipeline's`,
    );
    expect(createCheckpointStore(a.db).latestRun('conc-renamed')?.pipeline).toBe('conc-renamed');
    a.close();
    expect(fileRow()).toEqual({ pipeline: 'conc-renamed', portal_id: '6001', pipeline_file: '/q/renamed.yaml', adopted: 1 });
    const e = errorOf(() => openFor('conc-renamed', '6002', '/q/renamed.yaml', true));
    expect(e.code).toBe('CHECKPOINT_OTHER_PIPELINE');
    expect(e.hint).toMatch(/--adopt-checkpoint cannot take it over either: its crosswalk holds ids of portal 6001/);
    expect(fileRow()).toMatchObject({ pipeline: 'conc-renamed', portal_id: '6001' });
  });

  it("adopt takes an older file holding only another pipeline's runs; a reader is refused and told the run could", () => {
    olderFile('conc');
    expect(errorOf(() => openDryCheckpoint(path, { pipeline: 'conc-renamed' })).hint).toMatch(/`zpetl run --adopt-checkpoint` takes the checkpoint over \(this reader never writes it\)/);
    expect(openFor('conc-renamed', undefined, undefined, true).notice).toMatch(/adopted \(--adopt-checkpoint\): made by an older zpetl, it named no owner and held runs of pipeline "conc" only/);
  });
});
