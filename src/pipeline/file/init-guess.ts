/**
 * `zpetl init`'s guesses from sample values: date (and date-time) formats in the tokens of
 * src/core/parse/date-format.ts, times of day, durations. Each guess says whether the
 * sample settles it; the template turns an unsettled one into a comment that says what to check.
 */

/** A date format guess. `hasTime`: the values carry a time of day after the date. */
export interface DateGuess {
  format: string;
  certain: boolean;
  hasTime: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTHS_FULL = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * A time of day at the end of a value (after `T` or spaces): `09:00`, `11:03 AM`, `23:59:59.123Z`.
 * Groups: separator, hours, seconds part, fraction, meridiem, space before the offset, offset.
 */
const TIME_TAIL = /(T|\s+)(\d{1,2}):\d{2}(:\d{2}(\.\d{1,9})?)?(?:\s*([AaPp]\.?[Mm]\.?))?(\s*)(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** The format of a time of day as matched by TIME_TAIL (without its leading separator), or undefined. */
function timeFormatOf(m: RegExpExecArray): string | undefined {
  const [, , hours, seconds, fraction, meridiem, offsetSpace, offset] = m;
  const twelve = meridiem !== undefined;
  if (twelve && (Number(hours) < 1 || Number(hours) > 12)) return undefined;
  const clock = `${twelve ? 'h' : 'HH'}:mm${seconds ? ':ss' : ''}${fraction ? '.SSS' : ''}${twelve ? ' A' : ''}`;
  return `${clock}${offset ? `${offsetSpace ? ' ' : ''}Z` : ''}`;
}

/** One value's date shape: the format with `<A>`/`<B>` for two numbers whose day/month order is open. */
interface DateShape {
  format: string;
  /** The two open numbers (day or month), in order, when the order is open. */
  open?: [number, number];
}

function dateShape(datePart: string): DateShape | undefined {
  const parts = datePart.split(/([/.\-, ]+)/);
  const fields = parts.filter((_, i) => i % 2 === 0);
  const seps = parts.filter((_, i) => i % 2 === 1).map((s) => (/^\s+$/.test(s) ? ' ' : s.replace(/\s+/g, ' ')));
  if (fields.length !== 3 || seps.length !== 2) return undefined;
  const kinds = fields.map((f) => {
    if (/^\d{4}$/.test(f)) return 'YYYY';
    if (/^\d{1,2}$/.test(f)) return 'n';
    const lower = f.toLowerCase();
    if (MONTHS.includes(lower)) return 'MMM';
    if (MONTHS_FULL.includes(lower)) return 'MMMM';
    return undefined;
  });
  if (kinds.includes(undefined)) return undefined;
  const join = (a: string, b: string, c: string) => `${a}${seps[0]}${b}${seps[1]}${c}`;
  const [k0, k1, k2] = kinds as string[];
  const n = fields.map(Number);
  if (k0 === 'YYYY' && k1 === 'n' && k2 === 'n') return { format: join('YYYY', 'MM', 'DD') };
  const month = (k: string) => k === 'MMM' || k === 'MMMM';
  const year = (k: string) => (k === 'YYYY' ? 'YYYY' : 'YY');
  if (k0 === 'n' && month(k1!) && (k2 === 'YYYY' || k2 === 'n')) return { format: join('DD', k1!, year(k2!)) };
  if (month(k0!) && k1 === 'n' && (k2 === 'YYYY' || k2 === 'n')) return { format: join(k0!, 'D', year(k2!)) };
  if (k0 === 'n' && k1 === 'n' && (k2 === 'YYYY' || k2 === 'n')) return { format: join('<A>', '<B>', year(k2!)), open: [n[0]!, n[1]!] };
  return undefined;
}

/** The date format a column's sample values fit (dates, or dates with a time of day), and whether the guess is certain. */
export function guessDateFormat(values: readonly string[]): DateGuess {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '');
  const shapes: DateShape[] = [];
  let time: string | undefined;
  for (const v of vs) {
    const m = TIME_TAIL.exec(v);
    const t = m ? timeFormatOf(m) : undefined;
    if (m && t === undefined) return { format: 'YYYY-MM-DD', certain: false, hasTime: false };
    const tail = m && t !== undefined ? `${m[1] === 'T' ? 'T' : ' '}${t}` : '';
    if (shapes.length > 0 && tail !== time) return { format: 'YYYY-MM-DD', certain: false, hasTime: false };
    time = tail;
    const shape = dateShape(m ? v.slice(0, m.index) : v);
    if (!shape || (shapes.length > 0 && shape.format !== shapes[0]!.format)) return { format: 'YYYY-MM-DD', certain: false, hasTime: false };
    shapes.push(shape);
  }
  if (shapes.length === 0) return { format: 'YYYY-MM-DD', certain: false, hasTime: false };
  const hasTime = (time ?? '') !== '';
  const base = shapes[0]!.format;
  if (!base.includes('<A>')) return { format: `${base}${time}`, certain: true, hasTime };
  // Two numbers then a year: whichever exceeds 12 somewhere is the day. Dots are day-first by convention.
  const firstOver12 = shapes.some((s) => s.open![0] > 12);
  const secondOver12 = shapes.some((s) => s.open![1] > 12);
  const dayFirst = !(secondOver12 && !firstOver12);
  const format = `${base.replace('<A>', dayFirst ? 'DD' : 'MM').replace('<B>', dayFirst ? 'MM' : 'DD')}${time}`;
  const certain = firstOver12 !== secondOver12 || base.includes('.');
  return { format, certain, hasTime };
}

/**
 * The format of a column of times of day (`09:00`, `11:03 AM`, `9:05:10 pm`), or undefined when the
 * values are not all times. `plain`: every value is already `HH:MM` 24-hour, as a time field wants it.
 */
export function guessTimeFormat(values: readonly string[]): { format: string; plain: boolean } | undefined {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '');
  if (vs.length === 0) return undefined;
  let format: string | undefined;
  for (const v of vs) {
    const m = TIME_TAIL.exec(` ${v}`);
    if (!m || m.index !== 0) return undefined;
    const f = timeFormatOf(m);
    if (f === undefined || (format !== undefined && f !== format)) return undefined;
    format = f;
  }
  return { format: format!, plain: format === 'HH:mm' && vs.every((v) => /^\d{2}:\d{2}$/.test(v)) };
}

/** The duration format a column's sample values fit (`hh:mm` unless the values say otherwise). */
export function guessDurationFormat(values: readonly string[]): { format: 'hh:mm' | 'h.mm' | 'decimal'; certain: boolean } {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '');
  if (vs.length > 0 && vs.every((v) => /^\d+:\d{2}$/.test(v))) return { format: 'hh:mm', certain: true };
  if (vs.some((v) => /^\d*\.\d*[6-9]\d*$/.test(v) || /^\d*\.\d$/.test(v))) return { format: 'decimal', certain: false };
  if (vs.every((v) => /^\d+(\.\d{2})?$/.test(v))) return { format: 'h.mm', certain: false };
  return { format: 'hh:mm', certain: false };
}
