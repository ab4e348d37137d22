/**
 * CSV inputs for the extractor fuzz tests, in two shapes:
 * - `csvCase`: a file built row by row, so the answer is known: the line each non-blank row starts on,
 *   its values, and the one fault it carries (a wrong field count, a field over `maxFieldChars`, a
 *   control character, bytes that are not UTF-8), among blank lines, multi-line quoted fields, mixed
 *   line endings, BOMs and every declared encoding;
 * - `chaosCsv`: a file of random tokens (stray and doubled quotes, delimiters, line endings, BOMs of
 *   any kind, NUL and other controls, invalid UTF-8, long runs), where only the general rules hold.
 */
import fc from 'fast-check';
import { CONTROL_CHARACTER_POLICIES } from '../../src/core/control-chars.js';
import { DELIMITERS, DUPLICATE_HEADER_POLICIES, ENCODINGS, type Source } from '../../src/extract/source-schema.js';
import { BOMS, CONTROL_RE, lineAt, PROFILES, profilesFor, type TextProfile } from './fuzz-text.js';

export type RowFault = 'none' | 'short' | 'wide' | 'too-long' | 'control' | 'invalid';

/** A non-blank row as written: where it starts and what reading it must give. */
export interface ExpectedRow {
  line: number;
  fault: RowFault;
  /** The fields as written (undefined when raw bytes that are not text were written into one). */
  values: string[] | undefined;
}

export interface CsvCase {
  source: Source;
  chunkBytes: number | undefined;
  bytes: Buffer;
  profile: TextProfile['kind'];
  header: string[];
  rows: ExpectedRow[];
  /** Two header cells with the same trimmed, non-empty name. */
  duplicateNames: boolean;
  /** A timesheet whose header has a Date and an Hours column. */
  timesheetColumns: boolean;
}

const CONTROLS = ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f'];
const INVALID_UTF8 = [[0xff], [0xc3], [0xe2, 0x82], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];
const TEXT_UNITS = ['a', 'b', 'Z', '0', '9', ' ', '-', '.', ':', '/', 'é', 'ß', 'ÿ', '日', '😀', '\u00a0'];
const HEADER_NAMES = ['id', 'name', 'Notes', 'Project', 'Task', 'a', 'b', 'é', 'x y', 'column_2', ''];
const LINE_ENDS = ['\n', '\r\n', '\r'] as const;

interface Field {
  value: string;
  quoted: boolean;
  /** Bytes written after the value (not text in the file's encoding). */
  raw?: number[];
}

const alnum = /[A-Za-z0-9]/;

/** The data of one case, before it is written; everything the writer decides is drawn here. */
const csvSpec = fc
  .record({
    encoding: fc.constantFrom(...ENCODINGS),
    timesheet: fc.boolean(),
    width: fc.integer({ min: 1, max: 5 }),
    delimiter: fc.constantFrom(...DELIMITERS),
    statedDelimiter: fc.boolean(),
    quote: fc.constantFrom('"', "'"),
    maxFieldChars: fc.option(fc.integer({ min: 24, max: 60 }), { nil: undefined }),
    relaxColumnCount: fc.boolean(),
    controlCharacters: fc.constantFrom(...CONTROL_CHARACTER_POLICIES),
    duplicateHeaders: fc.constantFrom(...DUPLICATE_HEADER_POLICIES),
    chunkBytes: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
    endings: fc.constantFrom('lf', 'crlf', 'cr', 'mixed'),
    finalBreak: fc.boolean(),
    leadingBlank: fc.nat(2),
    profilePick: fc.nat(),
    bom: fc.boolean(),
  })
  .chain((o) =>
    fc.record({
      o: fc.constant(o),
      names: fc.array(fc.constantFrom(...HEADER_NAMES), { minLength: o.width, maxLength: o.width }),
      rows: fc.array(
        fc.record({
          kind: fc.constantFrom<RowFault | 'blank'>('none', 'none', 'none', 'none', 'blank', 'short', 'wide', 'too-long', 'control', 'invalid'),
          fields: fc.array(
            fc.record({
              shape: fc.constantFrom('empty', 'plain', 'plain', 'quoted'),
              units: fc.array(fc.constantFrom(...TEXT_UNITS, 'DELIM', 'QUOTE', '\n', '\r\n', '\r'), { maxLength: 8 }),
            }),
            { minLength: o.width + 2, maxLength: o.width + 2 },
          ),
          span: fc.integer({ min: 1, max: 2 }),
          pick: fc.nat(),
          validTimesheet: fc.boolean(),
          blankAfter: fc.array(fc.constantFrom('', ' ', 'DELIM', '  DELIM '), { maxLength: 2 }),
          ending: fc.constantFrom(...LINE_ENDS),
          blankEnding: fc.constantFrom(...LINE_ENDS),
        }),
        { maxLength: 10 },
      ),
    }),
  );

/** Generated CSV (or Zoho timesheet) files whose reading is known row by row. */
export const csvCase: fc.Arbitrary<CsvCase> = csvSpec.map(({ o, names, rows }) => {
  const profiles = profilesFor(o.encoding);
  const profile = profiles[o.profilePick % profiles.length]!;
  const writable = (s: string) => [...s].every((ch) => profile.canWrite(ch));
  const delimiter = o.delimiter;
  const quote = o.quote;
  const ending = (i: number, drawn: string) => (o.endings === 'lf' ? '\n' : o.endings === 'crlf' ? '\r\n' : o.endings === 'cr' ? '\r' : drawn || LINE_ENDS[i % 3]!);

  // Header: a timesheet usually names Date and Hours first; a header is never all empty cells (a line
  // of only empty cells is blank, skipped, not read as the header).
  const header = names.map((n) => (writable(n) ? n : 'n'));
  if (o.timesheet && o.width >= 2 && o.profilePick % 5 !== 0) [header[0], header[1]] = ['Date', 'Hours'];
  if (header.every((h) => h.trim() === '')) header[0] = 'only';
  const trimmed = header.map((h) => h.trim()).filter((h) => h !== '');
  const duplicateNames = new Set(trimmed).size !== trimmed.length;

  const parts: (string | Buffer)[] = [];
  let tracked = ''; // the text written so far, for line numbers (raw bytes stand as one character)
  const put = (s: string) => {
    parts.push(s);
    tracked += s;
  };
  const putRaw = (b: number[]) => {
    parts.push(Buffer.from(b));
    tracked += '?';
  };
  const writeField = (f: Field) => {
    if (f.quoted) put(quote + f.value.split(quote).join(quote + quote) + quote);
    else put(f.value);
    if (f.raw) putRaw(f.raw);
  };

  for (let i = 0; i < o.leadingBlank; i++) put(ending(i, '\n'));
  header.forEach((h, i) => {
    if (i > 0) put(delimiter);
    put(h);
  });
  put(ending(0, '\r\n'));

  const expected: ExpectedRow[] = [];
  rows.forEach((r, ri) => {
    let kind = r.kind;
    if (kind === 'short' && o.width < 2) kind = 'wide';
    if (kind === 'too-long' && o.maxFieldChars === undefined) kind = 'none';
    if (kind === 'invalid' && profile.kind !== 'utf8') kind = 'none';
    const count = kind === 'short' ? Math.max(1, o.width - r.span) : kind === 'wide' ? o.width + r.span : kind === 'blank' ? 1 + (r.pick % (o.width + 1)) : o.width;
    // Multi-line fields only in rows of the header's width: a wider or narrower record that spans
    // lines is read as a quote left open (csv-extractor.ts).
    const multiLine = kind === 'none' || kind === 'too-long' || kind === 'control' || kind === 'invalid';
    const fields: Field[] = r.fields.slice(0, count).map((f) => {
      if (kind === 'blank') return { value: f.units.length % 2 === 0 ? '' : ' ', quoted: f.shape === 'quoted' };
      if (f.shape === 'empty') return { value: '', quoted: false };
      const quoted = f.shape === 'quoted';
      const units = f.units.filter((u) => {
        if (u === 'DELIM' || u === 'QUOTE') return quoted;
        if (u === '\n' || u === '\r\n' || u === '\r') return quoted && multiLine;
        return profile.canWrite(u);
      });
      return { value: units.map((u) => (u === 'DELIM' ? delimiter : u === 'QUOTE' ? quote : u)).join(''), quoted };
    });
    if (kind === 'blank') {
      fields.forEach((f, i) => {
        if (i > 0) put(delimiter);
        writeField(f);
      });
      // A one-field blank row that is '' is an empty line; either way it is not a data row.
      put(ending(ri, r.ending));
      return;
    }
    // Every non-blank row holds a letter or digit, so no rule about what counts as blank decides it.
    if (!fields.some((f) => alnum.test(f.value))) fields[fields.length - 1]!.value += 'k';
    const target = r.pick % fields.length;
    if (kind === 'too-long') fields[target] = { value: 'x'.repeat(o.maxFieldChars! + 1 + (r.pick % 20)), quoted: fields[target]!.quoted };
    if (kind === 'control') {
      const controls = CONTROLS.filter((c) => profile.canWrite(c));
      const c = controls[r.pick % controls.length]!;
      const chars = [...fields[target]!.value]; // by code point: a pair is never split
      chars.splice(r.pick % (chars.length + 1), 0, c);
      fields[target]!.value = chars.join('');
    }
    if (kind === 'invalid') {
      // Unquoted, so the bytes are inside the field (after a closing quote they would be a syntax error).
      const value = [...fields[target]!.value].filter((ch) => ch !== '\r' && ch !== '\n' && ch !== quote && ch !== delimiter).join('');
      fields[target] = { value: alnum.test(value) ? value : `${value}k`, quoted: false, raw: INVALID_UTF8[r.pick % INVALID_UTF8.length]! };
    }
    if (o.timesheet && kind === 'none' && r.validTimesheet && header[0] === 'Date') {
      fields[0] = { value: '2026-03-14', quoted: false };
      if (fields.length > 1) fields[1] = { value: '1.5', quoted: false };
    }
    const line = lineAt(tracked, tracked.length);
    fields.forEach((f, i) => {
      if (i > 0) put(delimiter);
      writeField(f);
    });
    expected.push({ line, fault: kind, values: kind === 'invalid' ? undefined : fields.map((f) => f.value) });
    const last = ri === rows.length - 1;
    if (!last || o.finalBreak) put(ending(ri, r.ending));
    for (const b of last ? [] : r.blankAfter) {
      put(b.replace('DELIM', delimiter));
      put(ending(ri + 1, r.blankEnding));
    }
  });

  const bom = profile.bom !== undefined && (profile.bomRequired || o.bom) ? profile.bom : undefined;
  const bytes = Buffer.concat([...(bom ? [bom] : []), ...parts.map((p) => (typeof p === 'string' ? profile.encode(p) : p))]);
  const common = {
    path: 'in.csv',
    encoding: o.encoding,
    quote,
    maxFieldChars: o.maxFieldChars ?? 100_000,
    controlCharacters: o.controlCharacters,
    duplicateHeaders: o.duplicateHeaders,
    ...(o.statedDelimiter || o.width === 1 || delimiter !== ',' ? { delimiter } : {}),
  };
  const source = (o.timesheet ? { type: 'zoho-timesheet', ...common, dateFormat: 'YYYY-MM-DD', hoursFormat: 'decimal' } : { type: 'csv', ...common, relaxColumnCount: o.relaxColumnCount }) as Source;
  return {
    source,
    chunkBytes: o.chunkBytes,
    bytes,
    profile: profile.kind,
    header,
    rows: expected,
    duplicateNames,
    timesheetColumns: header.some((h) => h.trim() === 'Date') && header.some((h) => h.trim() === 'Hours'),
  };
});

/** Whether a row's values hold a control character. */
export const holdsControl = (values: readonly string[]) => values.some((v) => CONTROL_RE.test(v));

/** Tokens of a chaotic CSV file. */
const CHAOS_TOKENS: (string | number[])[] = [
  'a', 'Zz', '0', 'é', '日', '😀', ' ', ',', ';', '\t', '"', '""', "'", '\n', '\r\n', '\r', '\n\n', '"\n', '\n"',
  '\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u0093', '\ufeff', 'Date', 'Hours', 'x'.repeat(70),
  [0xff], [0xc3], [0xe2, 0x82], [0x00, 0x00], [0xfe, 0xff], [0xff, 0xfe],
];

/** A chaotic CSV file: its bytes, the options it is read with, and the text when it is plain. */
export interface ChaosCase {
  source: Source;
  chunkBytes: number | undefined;
  bytes: Buffer;
  /** The text, when the file is exactly this text in UTF-8 with no BOM (undefined otherwise). */
  text: string | undefined;
}

/** Tokens that keep a file plain: no quote, no control character, nothing but UTF-8 text. */
const PLAIN_TOKENS = ['a', 'Zz', '0', 'é', '日', '😀', ' ', ',', ';', '\t', '\n', '\r\n', '\r', '\n\n', 'x'.repeat(70)];

export const chaosCsv: fc.Arbitrary<ChaosCase> = fc
  .record({
    encoding: fc.constantFrom(...ENCODINGS),
    timesheet: fc.constantFrom(false, false, false, true),
    plain: fc.constantFrom(false, false, true),
    plainTokens: fc.array(fc.constantFrom(...PLAIN_TOKENS), { maxLength: 60 }),
    timesheetHeader: fc.boolean(),
    written: fc.constantFrom<TextProfile['kind']>('utf8', 'utf8', 'utf8', 'latin1', 'utf16le', 'utf16be'),
    bom: fc.constantFrom('none', 'none', 'utf8', 'utf16le', 'utf16be', 'double'),
    tokens: fc.array(fc.constantFrom(...CHAOS_TOKENS), { maxLength: 60 }),
    delimiter: fc.option(fc.constantFrom(...DELIMITERS), { nil: undefined }),
    quote: fc.constantFrom('"', "'"),
    maxFieldChars: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    relaxColumnCount: fc.boolean(),
    controlCharacters: fc.constantFrom(...CONTROL_CHARACTER_POLICIES),
    duplicateHeaders: fc.constantFrom(...DUPLICATE_HEADER_POLICIES),
    chunkBytes: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  })
  .map((o) => {
    const drawn = o.plain ? o.plainTokens : o.tokens;
    const tokens = o.timesheet && o.timesheetHeader ? ['Date', ',', 'Hours', '\n', ...drawn] : drawn;
    const bomKind = o.plain ? 'none' : o.bom;
    const plain = (o.plain || o.written === 'utf8') && bomKind === 'none' && tokens.every((t) => typeof t === 'string');
    const profile = PROFILES[o.plain ? 'utf8' : o.written];
    const bom = bomKind === 'none' ? [] : bomKind === 'double' ? [BOMS.utf8, BOMS.utf8] : [BOMS[bomKind]];
    const bytes = Buffer.concat([...bom, ...tokens.map((t) => (typeof t === 'string' ? profile.encode(t) : Buffer.from(t)))]);
    const common = {
      path: 'in.csv',
      encoding: o.encoding,
      quote: o.quote,
      maxFieldChars: o.maxFieldChars ?? 100_000,
      controlCharacters: o.controlCharacters,
      duplicateHeaders: o.duplicateHeaders,
      ...(o.delimiter ? { delimiter: o.delimiter } : o.plain ? { delimiter: ',' } : {}),
    };
    const source = (o.timesheet ? { type: 'zoho-timesheet', ...common, dateFormat: 'DD/MM/YYYY', hoursFormat: 'h.mm' } : { type: 'csv', ...common, relaxColumnCount: o.relaxColumnCount }) as Source;
    return { source, chunkBytes: o.chunkBytes, bytes, text: plain ? (tokens as string[]).join('') : undefined };
  });

/**
 * For a chaotic file with no quote character and no control character, in UTF-8 with a stated
 * delimiter: the data rows after the header, one per physical line that holds a value (every line is
 * one record, since nothing can join lines). Undefined when the file is not that plain.
 */
export function plainDataLines(c: ChaosCase): number[] | undefined {
  const src = c.source as { delimiter?: string; quote: string; encoding: string };
  const text = c.text;
  if (text === undefined || src.delimiter === undefined || text.includes(src.quote) || CONTROL_RE.test(text)) return undefined;
  if (text.startsWith('\ufeff')) return undefined; // its bytes are a UTF-8 BOM
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text);
  if (!profilesFor(src.encoding).some((p) => p.kind === 'utf8' || (ascii && (p.kind === 'ascii' || p.kind === 'latin1')))) return undefined;
  const lines = text.split(/\r\n|\n|\r/);
  const starts: number[] = [];
  let header = false;
  // A line of only empty (trimmed) cells is blank wherever it is: the header is the first other line.
  lines.forEach((l, i) => {
    if (!l.split(src.delimiter!).some((f) => f.trim() !== '')) return;
    if (header) starts.push(i + 1);
    header = true;
  });
  return starts;
}
