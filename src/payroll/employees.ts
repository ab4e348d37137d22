/**
 * Employee ids for Zoho users, from a mapping CSV or a user custom field.
 *
 * Mapping CSV: a header row, then one row per user. Columns (case-insensitive, aliases allowed):
 * `email` (or `user`, `zoho_email`), `employee_id` (or `employee id`, `employeeid`, `id`), optional
 * `name` (or `employee_name`) and `zpuid`. Users are matched by zpuid first, then by email
 * (case-insensitive). A duplicate email or zpuid with a different employee id is an error.
 */
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { ZpetlError } from '../core/errors.js';
import type { ZohoApi } from '../zoho/types.js';
import { userDisplayName } from '../zoho/user-display-name.js';
import type { Employee, EmployeeResolver } from './compute.js';
import type { PayrollLog } from './payroll-log.js';

const ALIASES: Record<string, string[]> = {
  email: ['email', 'user', 'zoho_email', 'user_email', 'e-mail'],
  employeeId: ['employee_id', 'employee id', 'employeeid', 'emp_id', 'id'],
  name: ['name', 'employee_name', 'employee name', 'full_name'],
  zpuid: ['zpuid', 'zoho_user_id', 'user_id'],
};

export interface EmployeeDirectory {
  byZpuid: Map<string, Employee>;
  byEmail: Map<string, Employee>;
}

export function resolverFor(dir: EmployeeDirectory): EmployeeResolver {
  return (l: PayrollLog) => (l.userId ? dir.byZpuid.get(l.userId) : undefined) ?? (l.email ? dir.byEmail.get(l.email.toLowerCase()) : undefined);
}

function put(map: Map<string, Employee>, key: string, e: Employee, path: string, line: number, field: string): void {
  const prev = map.get(key);
  if (prev && prev.employeeId !== e.employeeId) {
    throw new ZpetlError('CONFIG_INVALID', `employee mapping ${path}: ${field} "${key}" maps to both ${prev.employeeId} and ${e.employeeId}`, {
      pos: { source: path, line, index: line - 2 },
      field,
      value: key,
    });
  }
  map.set(key, e);
}

/** Loads a mapping CSV (small: read whole). */
export function loadEmployeeCsv(path: string): EmployeeDirectory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ZpetlError('SOURCE_NOT_FOUND', `cannot read employee mapping ${path}: ${(e as Error).message}`, { cause: e, field: 'employees.csv', value: path });
  }
  const rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const col = (k: string) => header.findIndex((h) => ALIASES[k]!.includes(h));
  const [ce, ci, cn, cz] = [col('email'), col('employeeId'), col('name'), col('zpuid')];
  if (ci < 0 || (ce < 0 && cz < 0)) {
    throw new ZpetlError('CONFIG_INVALID', `employee mapping ${path}: expected columns email (or zpuid) and employee_id, got ${header.join(', ') || 'no header'}`, {
      pos: { source: path, line: 1, index: -1 },
    });
  }
  const dir: EmployeeDirectory = { byZpuid: new Map(), byEmail: new Map() };
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const id = r[ci] ?? '';
    if (!id) return; // a user listed without an id stays unmapped and is reported per log
    const e: Employee = { employeeId: id, name: cn >= 0 ? (r[cn] ?? '') : '' };
    if (ce >= 0 && r[ce]) put(dir.byEmail, r[ce]!.toLowerCase(), e, path, line, 'email');
    if (cz >= 0 && r[cz]) put(dir.byZpuid, r[cz]!, e, path, line, 'zpuid');
  });
  return dir;
}

/** Reads every portal user once and takes the employee id from custom field `field` (e.g. cf_employee_id). */
export async function loadEmployeeCustomField(api: Pick<ZohoApi, 'users'>, field: string): Promise<EmployeeDirectory> {
  const dir: EmployeeDirectory = { byZpuid: new Map(), byEmail: new Map() };
  for await (const u of api.users.listPortal()) {
    const raw = u[field];
    const id = raw === undefined || raw === null ? '' : String(raw).trim();
    if (!id) continue;
    const e: Employee = { employeeId: id, name: userDisplayName(u) };
    dir.byZpuid.set(String(u.id), e);
    if (u.email) dir.byEmail.set(u.email.toLowerCase(), e);
  }
  return dir;
}
