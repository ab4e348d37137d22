/**
 * report.html in a real browser: headless Chromium (Debian's package) opens the dry-run report of the
 * demo pipeline, takes a screenshot, and the key content is there; the file loads nothing else.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { dryRun } from '../../src/pipeline/dry-run/dry-run.js';
import { HAS_CHROMIUM, NO_CHROMIUM_REASON, openInChromium } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli-helpers.js';
import { it } from '../helpers/fixtures.js';

if (!HAS_CHROMIUM) console.warn(NO_CHROMIUM_REASON);

describe('report.html in headless Chromium', () => {
  it.skipIf(!HAS_CHROMIUM)('shows the summary, every step, the top reject reasons and sample rows with line numbers, self-contained', async ({ tmp: dir }) => {
    const r = await dryRun(join(ROOT, 'pipelines/demo-migration.yaml'), { outDir: join(dir, 'report'), env: {} });
    const html = join(r.outDir, r.report.files.reportHtml);
    expect(existsSync(html)).toBe(true);
    const shot = join(dir, 'report.png');
    const page = await openInChromium(html, shot);
    try {
      expect(page.externalRequests).toEqual([]);
      expect(page.consoleErrors).toEqual([]);
      expect(statSync(shot).size).toBeGreaterThan(10_000);
      expect(page.title).toContain('demo-migration');
      for (const step of ['projects', 'users', 'milestones', 'tasklists', 'tasks', 'subtasks', 'timelogs']) expect(page.text).toContain(step);
      for (const code of ['ROW_INVALID_EMAIL', 'ROW_REQUIRED', 'ROW_DUPLICATE_KEY', 'ROW_MISSING_PARENT', 'ROW_INVALID_DURATION']) expect(page.text).toContain(code);
      expect(page.text).toContain('ivan.petrov(at)northwind.example');
      expect(page.text).toMatch(/\b104\b/); // line of the task without a title
      const tables = await page.evaluate<number>("document.querySelectorAll('table').length");
      expect(tables).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
