/**
 * A fatal source error is printed once: the library reports it as an error log event and again as the
 * result's error, and `zpetl run` / `run --dry-run` print the latter in full after the summary
 * (commands/run.ts errorPrintedOnce). `--json` keeps the log event. The records before a JSON break
 * are read and processed (extract/json-extractor.ts).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect } from 'vitest';
import { cliInProcess } from '../../../helpers/cli-in-process.js';
import { it } from '../../../helpers/fixtures.js';

const BREAK = resolve(import.meta.dirname, '../../../../fixtures/bad-inputs/json-break.json');
const PIPELINE = `version: 1
name: jsonbreak
steps:
  - name: projects
    entity: project
    source: { type: json, path: ${JSON.stringify(BREAK)} }
    key: [id]
    fields:
      name: { from: name }
`;
const ERROR = "SOURCE_PARSE: ${BREAK}: the JSON array breaks at line 41, column 3: expected a value after ','";
const count = (text: string, part: string) => text.split(part).length - 1;

describe('a fatal JSON break is printed once, after the records before it were processed', () => {
  it('dry run: the 10 records are read, the error is printed once (plain), and kept as an event under --json', async ({ tmp }) => {
    writeFileSync(join(tmp, 'p.yaml'), PIPELINE);
    const r = await cliInProcess(['run', 'p.yaml', '--dry-run', '--out', 'out'], tmp);
    expect(r.code).toBe(1);
    expect(count(r.stderr, 'the JSON array breaks at line 41, column 3')).toBe(1);
    expect(r.stderr).toContain(ERROR.replace('${BREAK}', BREAK));
    expect(r.stdout).toMatch(/projects\s+10\s+10\s+10\s/); // read, valid, wouldCreate
    const json = await cliInProcess(['run', 'p.yaml', '--dry-run', '--json', '--out', 'out2'], tmp);
    const logs = json.stdout.split('\n').filter((l) => l.includes('"type":"log"') && l.includes('"level":"error"'));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('the JSON array breaks at line 41, column 3');
  });

  it('run: the 10 records are loaded, the error is printed once', async ({ tmp, sandbox }) => {
    writeFileSync(join(tmp, 'p.yaml'), PIPELINE);
    const r = await cliInProcess(['run', 'p.yaml', '--out', 'out', '--db', 'run.db'], tmp, { ...sandbox.env });
    expect(r.code).toBe(1);
    expect(count(r.stderr + r.stdout, 'the JSON array breaks at line 41, column 3')).toBe(1);
    expect(r.stdout).toMatch(/projects\s+10\s+10\s/); // read 10, created 10
    expect(r.stdout).toContain('projects: failed: SOURCE_PARSE (printed in full at the end)');
    expect(r.stderr).toContain('The checkpoint is saved');
  });
});
