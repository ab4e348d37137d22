/**
 * The sandbox's time logs (the `timelogs` table of store.ts's schema): their own table with date
 * indexes so 100k-log listings page quickly, and a keyset cursor that makes page-by-number listings
 * cost what the page costs.
 */
import type Database from 'better-sqlite3';

/** A time log as stored: the V3 JSON shape plus the columns queries filter on. */
export interface TimelogRow {
  id: string;
  projectId: string;
  date: string;
  ownerZpuid: string;
  type: string;
  moduleId: string | null;
  minutes: number;
  data: Record<string, unknown>;
}

/** A listing of time logs: an inclusive date range, optional filters, a page by limit and offset. */
export interface TimelogFilter {
  projectId?: string;
  startDate: string;
  endDate: string;
  type?: string;
  moduleId?: string;
  owners?: string[];
  limit: number;
  offset: number;
}

interface RawLog {
  id: string;
  project_id: string;
  date: string;
  owner_zpuid: string;
  type: string;
  module_id: string | null;
  minutes: number;
  data: string;
}

const toLog = (r: RawLog): TimelogRow => ({
  id: r.id,
  projectId: r.project_id,
  date: r.date,
  ownerZpuid: r.owner_zpuid,
  type: r.type,
  moduleId: r.module_id,
  minutes: r.minutes,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** The time-log half of the Store (store.ts spreads it in). */
export interface TimelogTable {
  insertTimelog(row: TimelogRow): void;
  getTimelog(id: string): TimelogRow | undefined;
  updateTimelog(row: TimelogRow): void;
  removeTimelog(id: string): void;
  removeTimelogsOfModule(moduleId: string): void;
  /** One page in (date, insertion) order; see the cursor note in createTimelogTable. */
  queryTimelogs(f: TimelogFilter): TimelogRow[];
  /** Every log (of one project), in insertion order. */
  listTimelogs(projectId?: string): TimelogRow[];
  /** Sum of logged minutes per billing status for a task. */
  taskLogMinutes(taskId: string): { billable: number; nonBillable: number };
}

/** The time-log statements over `db` (schema already applied); `cached` is the store's statement cache for SQL built at run time; `count` and `changed` serve the store's counts and wipe. */
export function createTimelogTable(db: Database.Database, cached: (sql: string) => Database.Statement): { table: TimelogTable; count: () => number; changed: () => void } {
  const s = {
    logCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM timelogs'),
    insLog: db.prepare(
      `INSERT INTO timelogs(id, project_id, date, owner_zpuid, type, module_id, minutes, data)
       VALUES (@id, @projectId, @date, @ownerZpuid, @type, @moduleId, @minutes, @data)`,
    ),
    getLog: db.prepare<[string], RawLog>('SELECT * FROM timelogs WHERE id = ?'),
    updLog: db.prepare(
      `UPDATE timelogs SET date = @date, owner_zpuid = @ownerZpuid, type = @type, module_id = @moduleId,
       minutes = @minutes, data = @data WHERE id = @id`,
    ),
    delLog: db.prepare('DELETE FROM timelogs WHERE id = ?'),
    delLogsOfModule: db.prepare('DELETE FROM timelogs WHERE module_id = ?'),
    taskMinutes: db.prepare<[string], { billable: number | null; nonBillable: number | null }>(
      `SELECT sum(CASE WHEN json_extract(data, '$.billing_status') = 'Billable' THEN minutes ELSE 0 END) AS billable,
              sum(CASE WHEN json_extract(data, '$.billing_status') = 'Billable' THEN 0 ELSE minutes END) AS nonBillable
       FROM timelogs WHERE module_id = ?`,
    ),
  };
  /**
   * Time-log pages are asked for by number (OFFSET), which costs O(offset) per page. While no log
   * changes (same version), the next page continues from the last row of the previous one (keyset),
   * which gives exactly the rows OFFSET would and keeps 100k-log listings fast.
   */
  let logVersion = 0;
  const cursors = new Map<string, { version: number; date: string; seq: number }>();
  const bump = () => {
    logVersion++;
    if (cursors.size > 0) cursors.clear();
  };

  const table: TimelogTable = {
    insertTimelog(row) {
      s.insLog.run({ ...row, data: JSON.stringify(row.data) });
      bump();
    },
    getTimelog(id) {
      const r = s.getLog.get(id);
      return r ? toLog(r) : undefined;
    },
    updateTimelog(row) {
      s.updLog.run({ ...row, data: JSON.stringify(row.data) });
      bump();
    },
    removeTimelog(id) {
      s.delLog.run(id);
      bump();
    },
    removeTimelogsOfModule(moduleId) {
      s.delLogsOfModule.run(moduleId);
      bump();
    },
    queryTimelogs(f) {
      const where = ['date >= @startDate', 'date <= @endDate'];
      if (f.projectId !== undefined) where.push('project_id = @projectId');
      if (f.type !== undefined) where.push('type = @type');
      if (f.moduleId !== undefined) where.push('module_id = @moduleId');
      const params: Record<string, unknown> = {
        startDate: f.startDate,
        endDate: f.endDate,
        limit: f.limit,
        offset: f.offset,
      };
      for (const k of ['projectId', 'type', 'moduleId'] as const) if (f[k] !== undefined) params[k] = f[k];
      if (f.owners && f.owners.length > 0) {
        where.push(`owner_zpuid IN (${f.owners.map((_, i) => `@o${i}`).join(', ')})`);
        f.owners.forEach((o, i) => (params[`o${i}`] = o));
      }
      const base = where.join(' AND ');
      const sig = `${base}|${JSON.stringify({ ...params, limit: undefined, offset: undefined })}`;
      const cursor = cursors.get(`${sig}|${f.offset}`);
      let sql: string;
      if (cursor && cursor.version === logVersion && f.offset > 0) {
        // The cursor's date is the index's lower bound (SQLite would otherwise start at start_date).
        const keyed = base.replace('date >= @startDate', 'date >= @cDate');
        sql = `SELECT * FROM timelogs WHERE ${keyed} AND (date > @cDate OR seq > @cSeq) ORDER BY date, seq LIMIT @limit`;
        delete params.startDate;
        params.cDate = cursor.date;
        params.cSeq = cursor.seq;
        delete params.offset;
      } else {
        sql = `SELECT * FROM timelogs WHERE ${base} ORDER BY date, seq LIMIT @limit OFFSET @offset`;
      }
      const rows = cached(sql).all(params) as (RawLog & { seq: number })[];
      // Remember where the page after the next one starts (callers fetch limit = per_page + 1).
      const pageLen = Math.max(0, f.limit - 1);
      const last = rows[pageLen - 1];
      if (last && rows.length > pageLen) {
        if (cursors.size > 10_000) cursors.clear();
        cursors.set(`${sig}|${f.offset + pageLen}`, { version: logVersion, date: last.date, seq: last.seq });
      }
      return rows.map(toLog);
    },
    listTimelogs(projectId) {
      const sql =
        projectId === undefined
          ? 'SELECT * FROM timelogs ORDER BY seq'
          : 'SELECT * FROM timelogs WHERE project_id = ? ORDER BY seq';
      const st = cached(sql);
      return ((projectId === undefined ? st.all() : st.all(projectId)) as RawLog[]).map(toLog);
    },
    taskLogMinutes(taskId) {
      const r = s.taskMinutes.get(taskId);
      return { billable: r?.billable ?? 0, nonBillable: r?.nonBillable ?? 0 };
    },
  };
  return { table, count: () => s.logCount.get()?.n ?? 0, changed: bump };
}
