// Run in a child process with a given TZ: prints converter outputs for fixed inputs as JSON.
import { compileConverter } from '../../src/transform/converters/compile.js';
import { createExtractor } from '../../src/extract/create-extractor.js';
import { SourceSchema } from '../../src/extract/source-schema.js';
import { resolve } from 'node:path';

const pos = { source: 'probe', line: 1, index: 0 };
const date = compileConverter({ type: 'date', formats: ['DD/MM/YYYY', 'YYYY-MM-DD', 'MMM D, YYYY', 'MM-DD-YYYY'] });
const datetime = compileConverter({ type: 'datetime', zone: 'Europe/Berlin' });
const inputs = ['01/03/2026', '31/12/2025', '2026-03-29', '2026-10-25', 'Mar 8, 2026', '12-31-1999', '29/02/2024', '01/01/1970', '2026-04-05'];
const dtInputs = ['2026-03-29 02:30', '2026-10-25 02:30', '2026-01-01T00:00', '2026-06-15T23:59:59Z', '2026-06-15T12:00+05:30'];
// Jira's two-digit-year date-times read as a date, a date in a zone, and a time in a zone.
const jira = ['05/Nov/25 11:03 PM', '31/Dec/99 11:59 PM', '29/Feb/24 12:00 AM'];
const jiraDate = compileConverter({ type: 'date', formats: ['DD/MMM/YY h:mm A'] });
const zonedDate = compileConverter({ type: 'date', formats: ['YYYY-MM-DDTHH:mm:ssZ'], zone: 'Europe/Berlin' });
const zonedTime = compileConverter({ type: 'time', zone: 'Asia/Kolkata' });
const out: Record<string, unknown> = {
  dates: inputs.map((i) => date(i, pos, 'd')),
  datetimes: dtInputs.map((i) => datetime(i, pos, 'dt')),
  jira: [...jira.map((i) => jiraDate(i, pos, 'j')), zonedDate('2025-11-05T23:30:00Z', pos, 'z'), zonedTime('2025-11-05T23:30:00Z', pos, 't'), zonedTime('2:20 PM', pos, 't')],
};
const ex = createExtractor(SourceSchema.parse({ type: 'zoho-timesheet', path: 'timesheet-hmm.csv', dateFormat: 'DD/MM/YYYY', hoursFormat: 'h.mm' }), {
  baseDir: resolve(import.meta.dirname, '../../fixtures/extract'),
});
const timesheet: unknown[] = [];
for await (const item of ex.read()) timesheet.push(item.kind === 'record' ? item.record.data.date : item.reject.error.code);
out.timesheet = timesheet;
// The host offset in January 2026 proves the child ran in its zone (ICU may rename the zone itself).
out.tz = new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset();
process.stdout.write(JSON.stringify(out));
