/**
 * JSON parsing that never loses an id: integers of 16 digits or more outside strings are turned
 * into strings before `JSON.parse` (a 19-digit Zoho id exceeds 2^53; docs/zoho-api-notes.md#ids).
 */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    const startsNumber = (c >= 48 && c <= 57) || c === 45; /* 0-9 or - */
    if (!startsNumber) continue;
    let j = i + (c === 45 ? 1 : 0);
    const digitsStart = j;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const next = text[j];
    const isInteger = next !== '.' && next !== 'e' && next !== 'E';
    if (isInteger && j - digitsStart >= 16) {
      out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
      last = j;
    }
    i = j - 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Parses a response body; '' → undefined. Throws SyntaxError on bad JSON. */
export function parseJsonSafe(text: string): unknown {
  if (text.trim() === '') return undefined;
  return JSON.parse(quoteBigIntegers(text));
}
