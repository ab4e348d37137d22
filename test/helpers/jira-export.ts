/**
 * The Jira/Tempo example export (fixtures/examples/jira/) read for tests: each CSV keyed as the
 * extractor keys it (a repeated header becomes `Labels_2`, `Labels_3` …), Jira's dates turned into
 * calendar days, and expected.json, the counts a first run of pipelines/migrate-from-jira.yaml gives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { headerKeys } from '../../src/extract/csv-header.js';

export const JIRA_DIR = 'fixtures/examples/jira';

export type JiraRow = Record<string, string>;

/** One CSV of the export: the extractor's record keys, and the rows under them. */
export function readJiraCsv(file: string, dir = JIRA_DIR): { keys: readonly string[]; rows: JiraRow[] } {
  const cells = parse(readFileSync(join(dir, file), 'utf8')) as string[][];
  const keys = headerKeys(cells[0]!).header.keys;
  return { keys, rows: cells.slice(1).map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]!]))) };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Jira's default `dd/MMM/yy h:mm a`, e.g. `05/Nov/25 11:03 AM`. */
export const JIRA_DATE = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{2}) (1[0-2]|[1-9]):([0-5]\d) (AM|PM)$/;

/**
 * The calendar day (`YYYY-MM-DD`) of a Jira date, read here on its own (not with the toolkit's date
 * converter): two-digit years 00–68 are 20xx, and the time of day never moves the date. Throws on
 * anything else, a day that does not exist included.
 */
export function jiraDay(value: string): string {
  const m = JIRA_DATE.exec(value);
  const month = m ? MONTHS.indexOf(m[2]!) + 1 : 0;
  const year = m ? 2000 + Number(m[3]) : 0;
  const day = m ? Number(m[1]) : 0;
  if (!m || month === 0 || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) throw new Error(`not a Jira date: ${JSON.stringify(value)}`);
  return `${year}-${String(month).padStart(2, '0')}-${m[1]}`;
}

/** A step's counts in expected.json (those of a first run). */
export interface ExpectedStep {
  read: number;
  created: number;
  skipped: number;
  rejected: number;
  filtered?: number;
  folded?: number;
  warned?: number;
  rejectsByCode: Record<string, number>;
}

/** expected.json, as generate.mjs writes it. */
export interface JiraExpected {
  files: Record<string, number>;
  people: { name: string; email: string; status: string; inZoho: boolean; firstName: string; lastName: string }[];
  steps: Record<string, ExpectedStep>;
}

export function readJiraExpected(dir = JIRA_DIR): JiraExpected {
  return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as JiraExpected;
}
