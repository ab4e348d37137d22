/** Wall-clock times: `14:20`, `14:20:00`, `2:20 PM`, `02:20 pm`, `2:20PM`, `2:20 p.m.` → minutes since midnight. */
import { formatHhMm } from '../local-date.js';

const TIME = /^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*(?:([AaPp])\.?[Mm]\.?)?$/;

/** Minutes since midnight (0–1439), or undefined. Seconds are dropped. 12-hour values need 1–12. */
export function parseTimeOfDay(raw: string): number | undefined {
  const m = TIME.exec(raw.trim());
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = Number(m[2]);
  if (m[4] !== undefined) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (m[4] === 'p' || m[4] === 'P' ? 12 : 0);
  } else if (h > 23) return undefined;
  return h * 60 + min;
}

/** `HH:MM` 24-hour form of a time of day. */
export const formatTimeOfDay = (minutes: number): string => formatHhMm(minutes);
