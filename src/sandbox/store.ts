/**
 * The sandbox's own SQLite state (better-sqlite3; WAL when on a file). Entities are stored as their
 * V3 JSON shape plus the few columns queries need; time logs get their own table with date indexes so
 * 100k-log listings page quickly.
 */
import Database from 'better-sqlite3';
import { createTimelogTable, type TimelogTable } from './timelog-table.js';

export type { TimelogFilter, TimelogRow } from './timelog-table.js';

/** A table of the emulator's store (not the client's EntityKind: the sandbox shares no code with it). */
export type StoredKind = 'project' | 'milestone' | 'tasklist' | 'task' | 'user' | 'project_user' | 'task_status';

export interface EntityRow<T = Record<string, unknown>> {
  id: string;
  projectId: string | null;
  parentId: string | null;
  trashed: boolean;
  data: T;
}

export interface EntityIndex {
  projectId?: string | null;
  parentId?: string | null;
  email?: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT, parent_id TEXT,
  email TEXT, trashed INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL, UNIQUE(kind, id));
CREATE INDEX IF NOT EXISTS entities_kind_project ON entities(kind, project_id, seq);
CREATE INDEX IF NOT EXISTS entities_kind_parent ON entities(kind, parent_id);
CREATE INDEX IF NOT EXISTS entities_kind_email ON entities(kind, email);
CREATE TABLE IF NOT EXISTS timelogs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, project_id TEXT NOT NULL, date TEXT NOT NULL,
  owner_zpuid TEXT NOT NULL, type TEXT NOT NULL, module_id TEXT, minutes INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS timelogs_date ON timelogs(date, seq);
CREATE INDEX IF NOT EXISTS timelogs_project_date ON timelogs(project_id, date, seq);
CREATE INDEX IF NOT EXISTS timelogs_module ON timelogs(module_id);
CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, client_secret TEXT NOT NULL, owner_zpuid TEXT NOT NULL,
  scopes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS refresh_tokens (token TEXT PRIMARY KEY, client_id TEXT NOT NULL, owner_zpuid TEXT NOT NULL,
  scopes TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS access_tokens (token TEXT PRIMARY KEY, refresh_token TEXT, client_id TEXT NOT NULL,
  owner_zpuid TEXT NOT NULL, scopes TEXT NOT NULL, expires_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS access_by_refresh ON access_tokens(refresh_token, created_ms);
CREATE TABLE IF NOT EXISTS auth_codes (code TEXT PRIMARY KEY, client_id TEXT NOT NULL, owner_zpuid TEXT NOT NULL,
  scopes TEXT NOT NULL, expires_ms INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
`;

/** Meta keys of the runtime state (runtime-state.ts): a reset keeps them, as it keeps the running clock and faults. */
export const RUNTIME_META = { clockMs: 'clock_ms', faults: 'fault_state', faultCounts: 'fault_counts', restores: 'pending_restores' } as const;
const KEPT_BY_WIPE = Object.values(RUNTIME_META)
  .map((k) => `'${k}'`)
  .join(', ');

/** Real V3 ids are 19-digit strings from one portal-wide sequence (e.g. 1512955000019693140). */
const ID_BASE = 1512955000000000000n;
const ID_STEP = 17n;

/**
 * The sandbox's state: entities (projects, milestones, task lists, tasks, users…) and meta here, time
 * logs through timelog-table.ts, tokens and clients as raw statements (`stmt`) of oauth.ts.
 */
export interface Store extends TimelogTable {
  readonly db: Database.Database;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  nextId(): string;
  /** Reserves `n` ids with one counter write (bulk inserts); returns them in order. */
  reserveIds(n: number): string[];
  /** A prepared statement, cached by SQL text. */
  stmt<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R>;
  get<T = Record<string, unknown>>(kind: StoredKind, id: string): EntityRow<T> | undefined;
  findByEmail<T = Record<string, unknown>>(kind: StoredKind, email: string): EntityRow<T> | undefined;
  insert(kind: StoredKind, id: string, data: object, index?: EntityIndex): void;
  update(kind: StoredKind, id: string, data: object): void;
  setTrashed(kind: StoredKind, id: string): void;
  remove(kind: StoredKind, id: string): void;
  /** Entities in insertion order. `projectId: undefined` = any project. */
  list<T = Record<string, unknown>>(
    kind: StoredKind,
    opts?: { projectId?: string; parentId?: string; limit?: number; offset?: number; includeTrashed?: boolean },
  ): EntityRow<T>[];
  countByKind(): Record<string, number>;
  /** Removes every entity and log (reset); OAuth clients and tokens stay unless `auth`; the runtime meta keys stay. */
  wipe(auth?: boolean): void;
  close(): void;
}

interface RawEntity {
  id: string;
  project_id: string | null;
  parent_id: string | null;
  trashed: number;
  data: string;
}

const toEntity = <T>(r: RawEntity): EntityRow<T> => ({
  id: r.id,
  projectId: r.project_id,
  parentId: r.parent_id,
  trashed: r.trashed === 1,
  data: JSON.parse(r.data) as T,
});

/** Opens (creating) the sandbox database at `path` (`:memory:` for none) and applies the schema. */
export function openStore(path: string): Store {
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  /** Every statement built from its SQL text at run time, prepared once per text (one cache for the store and its time-log table). */
  const stmts = new Map<string, Database.Statement>();
  const cached = (sql: string): Database.Statement => {
    let st = stmts.get(sql);
    if (!st) stmts.set(sql, (st = db.prepare(sql)));
    return st;
  };
  const timelogs = createTimelogTable(db, cached);

  const s = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    get: db.prepare<[string, string], RawEntity>('SELECT * FROM entities WHERE kind = ? AND id = ?'),
    byEmail: db.prepare<[string, string], RawEntity>('SELECT * FROM entities WHERE kind = ? AND email = ? LIMIT 1'),
    insert: db.prepare(
      'INSERT INTO entities(kind, id, project_id, parent_id, email, data) VALUES (@kind, @id, @projectId, @parentId, @email, @data)',
    ),
    update: db.prepare('UPDATE entities SET data = ? WHERE kind = ? AND id = ?'),
    trash: db.prepare('UPDATE entities SET trashed = 1 WHERE kind = ? AND id = ?'),
    remove: db.prepare('DELETE FROM entities WHERE kind = ? AND id = ?'),
    counts: db.prepare<[], { kind: string; n: number }>(
      'SELECT kind, count(*) AS n FROM entities WHERE trashed = 0 GROUP BY kind',
    ),
  };

  let counter = BigInt(s.getMeta.get('id_counter')?.value ?? '1000');
  const store: Store = {
    db,
    ...timelogs.table,
    stmt<P extends unknown[] = unknown[], R = unknown>(sql: string) {
      return cached(sql) as unknown as Database.Statement<P, R>;
    },
    reserveIds(n) {
      const first = counter + 1n;
      counter += BigInt(n);
      s.setMeta.run('id_counter', counter.toString());
      return Array.from({ length: n }, (_, i) => (ID_BASE + (first + BigInt(i)) * ID_STEP).toString());
    },
    getMeta: (key) => s.getMeta.get(key)?.value,
    setMeta: (key, value) => void s.setMeta.run(key, value),
    nextId() {
      counter += 1n;
      s.setMeta.run('id_counter', counter.toString());
      return (ID_BASE + counter * ID_STEP).toString();
    },
    get<T>(kind: StoredKind, id: string) {
      const r = s.get.get(kind, id);
      return r ? toEntity<T>(r) : undefined;
    },
    findByEmail<T>(kind: StoredKind, email: string) {
      const r = s.byEmail.get(kind, email.toLowerCase());
      return r ? toEntity<T>(r) : undefined;
    },
    insert(kind, id, data, index = {}) {
      s.insert.run({
        kind,
        id,
        projectId: index.projectId ?? null,
        parentId: index.parentId ?? null,
        email: index.email?.toLowerCase() ?? null,
        data: JSON.stringify(data),
      });
    },
    update: (kind, id, data) => void s.update.run(JSON.stringify(data), kind, id),
    setTrashed: (kind, id) => void s.trash.run(kind, id),
    remove: (kind, id) => void s.remove.run(kind, id),
    list<T>(
      kind: StoredKind,
      opts: { projectId?: string; parentId?: string; limit?: number; offset?: number; includeTrashed?: boolean } = {},
    ) {
      const where = ['kind = @kind'];
      if (opts.projectId !== undefined) where.push('project_id = @projectId');
      if (opts.parentId !== undefined) where.push('parent_id = @parentId');
      if (!opts.includeTrashed) where.push('trashed = 0');
      const sql = `SELECT * FROM entities WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit OFFSET @offset`;
      const rows = cached(sql).all({
        kind,
        projectId: opts.projectId,
        parentId: opts.parentId,
        limit: opts.limit ?? -1,
        offset: opts.offset ?? 0,
      }) as RawEntity[];
      return rows.map((r) => toEntity<T>(r));
    },
    countByKind() {
      const out: Record<string, number> = {};
      for (const r of s.counts.all()) out[r.kind] = r.n;
      out.timelog = timelogs.count();
      return out;
    },
    wipe(auth = false) {
      db.exec(`DELETE FROM meta WHERE key NOT IN (${KEPT_BY_WIPE}); DELETE FROM entities; DELETE FROM timelogs; DELETE FROM auth_codes;`);
      if (auth) db.exec('DELETE FROM clients; DELETE FROM refresh_tokens; DELETE FROM access_tokens;');
      counter = 1000n; // the same id sequence again: the seeded owner keeps its zpuid, so its tokens stay valid
      timelogs.changed();
    },
    close: () => db.close(),
  };
  return store;
}
