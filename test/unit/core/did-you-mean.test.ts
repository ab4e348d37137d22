import { describe, expect, it } from 'vitest';
import { closestName } from '../../../src/core/did-you-mean.js';

describe('closestName', () => {
  it('finds a close name: one edit, a case or spacing difference; nothing when none is close', () => {
    expect(closestName('Due Dat', ['Title', 'Due Date', 'Start'])).toBe('Due Date');
    expect(closestName('issue key', ['Issue Key', 'Summary'])).toBe('Issue Key');
    expect(closestName('format', ['formats', 'zone', 'pivot'])).toBe('formats');
    expect(closestName('Tags_4', ['Title', 'Owner'])).toBeUndefined();
  });
});
