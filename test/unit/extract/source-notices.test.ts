import { describe, expect, it } from 'vitest';
import { blankLinesNotice, emptyNotice, noRecordsNotice } from '../../../src/extract/source-notices.js';

describe('source-notices: the file-level warnings, worded once', () => {
  it('SOURCE_EMPTY, SOURCE_NO_RECORDS and SOURCE_BLANK_LINES as the contract words them', () => {
    expect(emptyNotice('a.csv', 'tabular')).toEqual({ code: 'SOURCE_EMPTY', message: 'a.csv: file is empty: no header line', pos: { source: 'a.csv', line: 1, index: 0, byteOffset: 0 } });
    expect(emptyNotice('a.json', 'json').message).toBe('a.json: file is empty');
    expect(noRecordsNotice('a.csv', 'csv', { source: 'a.csv', line: 3, index: 0, byteOffset: 9 })).toEqual({ code: 'SOURCE_NO_RECORDS', message: 'a.csv: no records after the header', pos: { source: 'a.csv', line: 3, index: 0, byteOffset: 9 } });
    expect(noRecordsNotice('a.json', 'json').message).toBe('a.json: the JSON array is empty');
    expect(noRecordsNotice('a.ndjson', 'ndjson').message).toBe('a.ndjson: no records (only blank lines)');
    expect(blankLinesNotice('a.csv', 3, { source: 'a.csv', line: 2, index: 0 })).toEqual({ code: 'SOURCE_BLANK_LINES', message: 'a.csv: 3 blank line(s) skipped (the first at line 2)', pos: { source: 'a.csv', line: 2, index: 0 } });
  });
});
