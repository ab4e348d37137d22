import { describe, expect, it } from 'vitest';
import { CONVERTER_DOCS, FIELD_SOURCE_DOCS, type ConverterExample } from '../../../src/transform/converters/converter-docs.js';
import { compileConverter } from '../../../src/transform/converters/compile.js';
import { BARE_CONVERTERS, ConverterObjectSchema, ConverterSpecSchema, type ConverterSpec } from '../../../src/transform/converters/spec.js';
import { FIELD_SOURCES, FieldSpecSchema } from '../../../src/transform/field-spec.js';
import { compileMapping } from '../../../src/transform/map-record.js';

const pos = { source: 'example.csv', line: 2, index: 1 };
const converterTypes = ConverterObjectSchema.options.map((o) => o.shape.type.value);
/** Converters that can refuse a value: their reference must show a refusal. */
const CAN_REFUSE = ['date', 'datetime', 'time', 'duration', 'enum', 'email', 'number', 'boolean'];

const label = (e: ConverterExample) => `${JSON.stringify(e.spec)} on ${JSON.stringify(e.input)}`;

function expectOutcome(e: ConverterExample, r: { ok: true; value: unknown } | { ok: false; error: { code: string } }) {
  expect('output' in e !== (e.rejects !== undefined), `${label(e)} states an output or a reject code, not both`).toBe(true);
  if (e.rejects !== undefined) expect(r.ok ? 'accepted' : r.error.code, label(e)).toBe(e.rejects);
  else expect(r.ok ? r.value : `rejected: ${r.error.code}`, label(e)).toEqual(e.output);
}

describe('the converter reference (CONVERTER_DOCS)', () => {
  it('has one entry for every converter type and bare name, and none for converters that do not exist', () => {
    const documented = CONVERTER_DOCS.map((d) => d.type);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...converterTypes].sort());
    for (const bare of BARE_CONVERTERS) expect(documented).toContain(bare);
  });

  it('every entry has a summary, 2–4 examples, and a refusal where the converter can refuse', () => {
    for (const d of CONVERTER_DOCS) {
      expect(d.summary.length, d.type).toBeGreaterThan(20);
      expect(d.examples.length, d.type).toBeGreaterThanOrEqual(2);
      expect(d.examples.length, d.type).toBeLessThanOrEqual(4);
      for (const o of d.options) expect(o, d.type).toMatch(/^`[^`]+`(, `[^`]+`)? — /);
      if (CAN_REFUSE.includes(d.type)) expect(d.examples.some((e) => e.rejects !== undefined), `${d.type} shows a refusal`).toBe(true);
    }
  });

  it('every example gives its output or its reject code, through the schema and compileConverter', () => {
    for (const d of CONVERTER_DOCS) {
      for (const e of d.examples) {
        const spec = ConverterSpecSchema.parse(e.spec) as ConverterSpec;
        const type = typeof spec === 'string' ? spec : spec.type;
        expect(type, `${label(e)} is an example of ${d.type}`).toBe(d.type);
        expectOutcome(e, compileConverter(spec)(e.input, pos, 'field'));
      }
    }
  });
});

describe('the field source reference (FIELD_SOURCE_DOCS)', () => {
  it('covers every field source once', () => {
    expect(FIELD_SOURCE_DOCS.map((d) => d.source)).toEqual([...FIELD_SOURCES]);
  });

  it('every example maps its row to its output, or rejects it, through compileMapping', () => {
    for (const d of FIELD_SOURCE_DOCS) {
      expect(d.examples.length, d.source).toBeGreaterThanOrEqual(1);
      for (const e of d.examples) {
        expect(Object.keys(e.spec as object), label(e)).toContain(d.source);
        const map = compileMapping({ field: FieldSpecSchema.parse(e.spec) });
        const r = map({ data: e.input as Record<string, unknown>, pos });
        expectOutcome(e, r.ok ? { ok: true, value: r.value.values.field } : r);
      }
    }
  });
});
