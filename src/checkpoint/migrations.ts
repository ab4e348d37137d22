import { BUDGET_SCHEMA } from './schema-budget.js';
import { OWNER_FILE_SCHEMA, OWNER_SCHEMA } from './schema-owner.js';
import { PAYROLL_SCHEMA } from './schema-payroll.js';
import { RECORDS_SENT_MS, RUNS_SCHEMA } from './schema-runs.js';
import { WARNINGS_SCHEMA } from './schema-warnings.js';

/**
 * Schema migrations in order; migration i brings user_version from i to i+1. Never edit a released
 * migration: append a new one.
 */
export const MIGRATIONS: { name: string; sql: string }[] = [
  { name: 'runs, records, crosswalk, rejects', sql: RUNS_SCHEMA },
  { name: 'rate budget', sql: BUDGET_SCHEMA },
  { name: 'payroll snapshots', sql: PAYROLL_SCHEMA },
  { name: 'records.sent_ms', sql: RECORDS_SENT_MS },
  { name: 'checkpoint owner', sql: OWNER_SCHEMA },
  { name: 'checkpoint owner file', sql: OWNER_FILE_SCHEMA },
  { name: 'row warnings', sql: WARNINGS_SCHEMA },
];
