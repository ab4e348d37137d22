/** Duration cells of the payroll layouts: integer minutes as minutes, `hh:mm` or decimal hours. */
import { formatHhMm } from '../core/local-date.js';
import type { DurationFormat } from './config-schema.js';

/** Minutes → decimal hours with `places` decimals, half away from zero, exact (integer arithmetic). */
export function formatDecimalHours(minutes: number, places: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(minutes);
  const scale = 10 ** places;
  const scaled = Math.floor((abs * scale * 2 + 60) / 120); // round(abs*scale/60), ties up
  const int = Math.floor(scaled / scale);
  const frac = places > 0 ? `.${String(scaled % scale).padStart(places, '0')}` : '';
  return `${scaled === 0 ? '' : sign}${int}${frac}`;
}

/** A duration cell: `minutes` (the default) as an integer, `hh:mm`, or `{ decimal: n }` hours (formatDecimalHours). */
export function formatDuration(minutes: number, format: DurationFormat | undefined): string {
  if (format === undefined || format === 'minutes') return String(minutes);
  if (format === 'hh:mm') return formatHhMm(minutes);
  return formatDecimalHours(minutes, format.decimal);
}
