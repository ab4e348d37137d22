/** A place in a pipeline file, as a path of keys and indexes, and how it is written in messages. */

export type PathPart = string | number;

/** `steps[2].fields.name.converter`; '' for the document itself. */
export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
