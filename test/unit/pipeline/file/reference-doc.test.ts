import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENTITY_KINDS } from '../../../../src/core/entity-kind.js';
import { CONVERTER_DOCS, FIELD_SOURCE_DOCS } from '../../../../src/transform/converters/converter-docs.js';
import { LOOKUP_DOCS } from '../../../../src/transform/lookup-docs.js';
import { LOOKUP_KINDS } from '../../../../src/transform/lookup-spec.js';
import { ENTITY_FIELDS } from '../../../../src/transform/entity-fields.js';
import { WhereSchema } from '../../../../src/transform/row-filter.js';
import { LOAD_MODES } from '../../../../src/core/load-mode.js';
import { pipelineReferenceText, REFERENCE_WRITE_COMMAND } from '../../../../src/pipeline/file/reference-doc.js';
import { converterAnchor, entityAnchor, fieldSourceAnchor, lookupAnchor, SECTIONS } from '../../../../src/pipeline/file/reference-anchors.js';
import type { ReferenceCatalogs } from '../../../../src/pipeline/file/reference-catalogs.js';
import { WHERE_EXAMPLES } from '../../../../src/pipeline/file/reference-sections.js';

const REAL: ReferenceCatalogs = { converters: CONVERTER_DOCS, fieldSources: FIELD_SOURCE_DOCS, lookups: LOOKUP_DOCS };
const text = pipelineReferenceText();

/** Ids of `<a id>` anchors, and the `#…` targets of in-page links. */
const anchorsOf = (md: string) => new Set([...md.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!));
const linksOf = (md: string) => [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);

/** Hand-built entries: the real catalogs are filled on other branches; these test the rendering. */
const HAND_BUILT: ReferenceCatalogs = {
  converters: [
    { type: 'date', summary: 'Reads a date in one of `formats`.', options: ['`formats` — tried in order (default `YYYY-MM-DD`)'], examples: [{ spec: { type: 'date', formats: ['DD/MM/YYYY'] }, input: '05/11/2025', output: '2025-11-05' }, { spec: 'date', input: 'soon', rejects: 'ROW_INVALID_DATE', note: 'a | pipe in a note' }] },
    { type: 'lower', summary: 'Lower-cases text.', options: [], examples: [{ spec: 'lower', input: 'ABC', output: 'abc' }] },
  ],
  fieldSources: [{ source: 'template', summary: 'Joins columns.', examples: [{ spec: { template: '{Summary} ({Issue key})' }, input: { Summary: 'Fix', 'Issue key': 'PRJ-1' }, output: 'Fix (PRJ-1)' }] }],
  lookups: [{ kind: 'user-by-email', summary: 'Finds a portal user by e-mail.', options: ['`onMissing` — reject (default)'], examples: [{ yaml: 'owner: { from: Owner, lookup: { kind: user-by-email } }', value: 'a@b.example', resolvesTo: 'the id of that user' }] }],
};

describe('docs/pipelines.md (the pipeline reference)', () => {
  it('is up to date', () => {
    const committed = readFileSync('docs/pipelines.md', 'utf8');
    if (committed !== text) expect.fail(`docs/pipelines.md is stale: run ${REFERENCE_WRITE_COMMAND}`);
  });

  it('says it is generated and how to regenerate it, and documents its anchors at the top', () => {
    const top = text.slice(0, 2500);
    expect(top).toContain(`Do not edit: run \`${REFERENCE_WRITE_COMMAND}\``);
    for (const a of ['#entity-task', '#converter-date', '#lookup-user-by-name', '#field-sources', '#where', '#modes', '#sources']) expect(top).toContain(a);
  });

  it('every in-page link lands on an anchor, and no anchor is written twice', () => {
    for (const md of [text, pipelineReferenceText(HAND_BUILT)]) {
      const ids = [...md.matchAll(/<a id="([^"]+)"><\/a>/g)].map((m) => m[1]!);
      expect(ids.length).toBe(new Set(ids).size);
      expect(linksOf(md).filter((l) => !anchorsOf(md).has(l))).toEqual([]);
    }
  });

  it('has a section for every entity, every entity field, lookup kind, converter of the schema, mode and section name', () => {
    const ids = anchorsOf(text);
    for (const s of Object.values(SECTIONS)) expect(ids).toContain(s);
    for (const kind of ENTITY_KINDS) {
      expect(ids).toContain(entityAnchor(kind));
      const block = text.slice(text.indexOf(`<a id="${entityAnchor(kind)}">`)).split('\n### ')[0]!;
      for (const field of Object.keys(ENTITY_FIELDS[kind])) expect(block, `${kind}.${field}`).toContain(`| \`${field}\` |`);
    }
    for (const kind of LOOKUP_KINDS) expect(ids).toContain(lookupAnchor(kind));
    for (const t of ['date', 'datetime', 'enum', 'duration']) expect(ids).toContain(converterAnchor(t));
    for (const m of LOAD_MODES) expect(text.slice(text.indexOf('<a id="modes">'))).toContain(`\`${m}\``);
    expect(ids).toContain('depends-on');
    expect(ids).toContain('external-id-field');
  });

  it('renders limits with where they come from, required fields, values, ranges and the usual lookup', () => {
    expect(text).toContain('| `name` | string | 10,000 (Zoho documents it) | yes |');
    expect(text).toContain('| `name` | string | 255 (assumed) | yes |');
    expect(text).toContain('`none`, `low`, `medium`, `high`');
    expect(text).toMatch(/\| `minutes` \| minutes \(\[duration\]\(#converter-duration\)\) \|  \| yes \| 1–1440 \|/);
    expect(text).toContain('[task-by-key](#lookup-task-by-key)');
  });

  it('renders source options from the schema texts: encodings, delimiters, header handling', () => {
    const csv = text.slice(text.indexOf('<a id="source-csv">'), text.indexOf('<a id="source-json">'));
    expect(csv).toContain('`windows-1252` (cp1252, windows1252, win1252)');
    expect(csv).toContain('`auto` (the default)');
    expect(csv).toContain('"\\t"');
    expect(csv).toContain('`name_2`');
    expect(csv).toContain('byte-order mark');
  });

  it('renders every entry of the real catalogs (empty on some branches) with its anchor', () => {
    const ids = anchorsOf(text);
    for (const d of CONVERTER_DOCS) expect(ids).toContain(converterAnchor(d.type));
    for (const d of FIELD_SOURCE_DOCS) expect(ids).toContain(fieldSourceAnchor(d.source));
    for (const d of LOOKUP_DOCS) expect(ids).toContain(lookupAnchor(d.kind));
    expect(pipelineReferenceText(REAL)).toBe(text);
  });

  it('renders hand-built catalog entries: summaries, options, examples (pipes escaped), converters the schema does not know yet', () => {
    const md = pipelineReferenceText(HAND_BUILT);
    const date = md.slice(md.indexOf('<a id="converter-date">'), md.indexOf('<a id="converter-lower">'));
    expect(date).toContain('Reads a date in one of `formats`.');
    expect(date).toContain('- `formats` — tried in order');
    expect(date).toContain('| `{ type: date, formats: [ DD/MM/YYYY ] }` | `"05/11/2025"` | `"2025-11-05"` |  |');
    expect(date).toContain('| `date` | `"soon"` | rejects: `ROW_INVALID_DATE` | a \\| pipe in a note |');
    expect(md).toContain('- [`lower`](#converter-lower)');
    // A converter the catalog does not describe yet shows its options from the schema.
    expect(md.slice(md.indexOf('<a id="converter-datetime">'))).toMatch(/\| `zone` \| string \|  \| yes \|/);
    expect(md).toContain('Lower-cases text.');
    expect(md).toContain(`<a id="${fieldSourceAnchor('template')}"></a>`);
    expect(md).toContain('| `{ template: "{Summary} ({Issue key})" }` | `{"Summary":"Fix","Issue key":"PRJ-1"}` | `"Fix (PRJ-1)"` |');
    const lookup = md.slice(md.indexOf('<a id="lookup-user-by-email">'));
    expect(lookup).toContain('Finds a portal user by e-mail.');
    expect(lookup).toContain('| `owner: { from: Owner, lookup: { kind: user-by-email } }` | `"a@b.example"` | the id of that user |');
  });

  it('its where: examples are valid where: clauses', () => {
    for (const e of WHERE_EXAMPLES) {
      const where = (parse(e.yaml) as { where: unknown }).where;
      expect(WhereSchema.safeParse(where).success, e.yaml).toBe(true);
      expect(text).toContain(e.yaml);
    }
  });
});
