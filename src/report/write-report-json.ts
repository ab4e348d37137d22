import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactDeep } from '../core/redact.js';
import type { RunReport } from './model.js';

/** Writes `report.json` (2-space JSON, secrets redacted) into `dir`; returns its path. */
export async function writeReportJson(dir: string, report: RunReport): Promise<string> {
  const path = join(dir, report.files.reportJson);
  await writeFile(path, `${JSON.stringify(redactDeep(report), null, 2)}\n`, 'utf8');
  return path;
}
