/**
 * The reference's catalog sections: converters (their options read from the converter schemas,
 * summary and examples from CONVERTER_DOCS), field sources (FIELD_SOURCE_DOCS) and lookups (options
 * from the lookup schema, summary and examples from LOOKUP_DOCS). Every converter type and lookup kind
 * the schemas accept gets its section and anchor, documented or not, so validate's links always land.
 */
import type { ConverterDoc, FieldSourceDoc } from '../../transform/converters/converter-docs.js';
import { BARE_CONVERTERS, ConverterObjectSchema } from '../../transform/converters/spec.js';
import type { LookupDoc } from '../../transform/lookup-docs.js';
import { LOOKUP_KINDS, LookupSpecSchema } from '../../transform/lookup-spec.js';
import { ENTITY_FIELDS } from '../../transform/entity-fields.js';
import { FieldSpecSchema } from '../../transform/field-spec.js';
import { FIELD_SOURCES } from '../../transform/field-spec.js';
import { converterAnchor, entityAnchor, fieldSourceAnchor, lookupAnchor, SECTIONS } from './reference-anchors.js';
import { anchorTag, code, jsonOf, propertyTable, shown, table, yamlFlow, type JsonNode } from './reference-markdown.js';

/** The catalogs the reference renders (the real ones by default; tests pass their own). */
export interface ReferenceCatalogs {
  converters: readonly ConverterDoc[];
  fieldSources: readonly FieldSourceDoc[];
  lookups: readonly LookupDoc[];
}

const bullets = (lines: readonly string[]): string[] => lines.map((l) => `- ${l}`);

/** `fields:` of a step: the keys of one field's spec, then the field sources. */
export function fieldsSection(catalogs: ReferenceCatalogs): string[] {
  const out = [
    `## Fields ${anchorTag(SECTIONS.fields)}`,
    '',
    `A step's \`fields:\` maps each target field (the [entity tables](#${SECTIONS.entities}) list them) to how it is filled: where its value comes from, the [converters](#${SECTIONS.converters}) that turn it into the field's type, the [lookup](#${SECTIONS.lookups}) that turns a name into a Zoho id, a default, and whether a row needs it. Converters run first, then the default, then the lookup.`,
    '',
    ...propertyTable(jsonOf(FieldSpecSchema), {
      link: (k) => (k === 'converter' ? SECTIONS.converters : k === 'lookup' ? SECTIONS.lookups : (FIELD_SOURCES as readonly string[]).includes(k) ? SECTIONS.fieldSources : undefined),
      typeOf: { converter: 'a converter, or a list of them', lookup: 'a lookup' },
    }),
    '',
    `### Field sources ${anchorTag(SECTIONS.fieldSources)}`,
    '',
    'At most one of these keys says where a field\'s value comes from; without one it is the source column named like the target field.',
    '',
  ];
  for (const d of catalogs.fieldSources) {
    out.push(`#### ${code(d.source)} ${anchorTag(fieldSourceAnchor(d.source))}`, '', d.summary, '');
    if (d.examples.length > 0) {
      const rows = d.examples.map((e) => [code(yamlFlow(e.spec)), code(JSON.stringify(e.input)), e.rejects ? `rejects: ${code(e.rejects)}` : code(shown(e.output)), e.note ?? '']);
      out.push(...table(['field spec', 'row', 'value', 'note'], rows), '');
    }
  }
  return out;
}

/** A converter type's own options (its schema minus `type`). */
function converterOptions(type: string): JsonNode | undefined {
  const schema = ConverterObjectSchema.options.find((o) => o.shape.type.value === type);
  return schema ? jsonOf(schema) : undefined;
}

function converterBlock(type: string, doc: ConverterDoc | undefined): string[] {
  const bare = (BARE_CONVERTERS as readonly string[]).includes(type);
  const out = [`### ${code(type)} ${anchorTag(converterAnchor(type))}`, ''];
  if (doc) out.push(doc.summary, '');
  out.push(bare ? `Written \`converter: ${type}\` or \`converter: { type: ${type}, … }\`.` : `Written \`converter: { type: ${type}, … }\`.`, '');
  // The catalog's option lines say what each option means; without them, the schema's table says what it takes.
  const options = converterOptions(type);
  if (doc && doc.options.length > 0) out.push(...bullets(doc.options), '');
  else if (options && Object.keys(options.properties ?? {}).some((k) => k !== 'type')) out.push(...propertyTable(options, { skip: ['type'] }), '');
  if (doc && doc.examples.length > 0) {
    const rows = doc.examples.map((e) => [code(yamlFlow(e.spec)), code(shown(e.input)), e.rejects ? `rejects: ${code(e.rejects)}` : code(shown(e.output)), e.note ?? '']);
    out.push('Examples:', '', ...table(['converter', 'value', 'result', 'note'], rows), '');
  }
  return out;
}

/** Every converter: the catalog's order, then any the schema has that the catalog does not. */
export function convertersSection(catalogs: ReferenceCatalogs): string[] {
  const types = [...new Set([...catalogs.converters.map((d) => d.type), ...ConverterObjectSchema.options.map((o) => o.shape.type.value as string)])];
  const out = [
    `## Converters ${anchorTag(SECTIONS.converters)}`,
    '',
    'A field\'s `converter:` is one converter or a list applied left to right. Converters without required options may be written as a bare name: ' +
      `${BARE_CONVERTERS.map(code).join(', ')}. A value a converter cannot read rejects its row with the field, the value and the line.`,
    '',
    ...types.map((t) => `- [${code(t)}](#${converterAnchor(t)})`),
    '',
  ];
  for (const t of types) out.push(...converterBlock(t, catalogs.converters.find((d) => d.type === t)));
  return out;
}

/** `entity.field` names that usually use a lookup kind, from the entity tables. */
function fieldsUsing(kind: string): string[] {
  const out: string[] = [];
  for (const [entity, fields] of Object.entries(ENTITY_FIELDS)) {
    for (const [name, f] of Object.entries(fields)) if (f.lookup === kind) out.push(`[${entity}.${name}](#${entityAnchor(entity)})`);
  }
  return out;
}

/** Every lookup kind: the catalog's order, then any the schema has that the catalog does not. */
export function lookupsSection(catalogs: ReferenceCatalogs): string[] {
  const kinds = [...new Set<string>([...catalogs.lookups.map((d) => d.kind), ...LOOKUP_KINDS])];
  const out = [
    `## Lookups ${anchorTag(SECTIONS.lookups)}`,
    '',
    'A field\'s `lookup:` turns the (converted) value into the id of a record: one loaded by an earlier step, or already in Zoho. Its keys:',
    '',
    ...propertyTable(jsonOf(LookupSpecSchema)),
    '',
    ...kinds.map((k) => `- [${code(k)}](#${lookupAnchor(k)})`),
    '',
  ];
  for (const kind of kinds) {
    const doc = catalogs.lookups.find((d) => d.kind === kind);
    out.push(`### ${code(kind)} ${anchorTag(lookupAnchor(kind))}`, '');
    if (doc) out.push(doc.summary, '');
    const users = fieldsUsing(kind);
    if (users.length > 0) out.push(`Usually fills ${users.join(', ')}.`, '');
    if (doc && doc.options.length > 0) out.push(...bullets(doc.options), '');
    if (doc && doc.examples.length > 0) {
      const rows = doc.examples.map((e) => [code(e.yaml), code(JSON.stringify(e.value)), e.rejects ? `rejects: ${code(e.rejects)}` : (e.resolvesTo ?? ''), e.note ?? '']);
      out.push('Examples:', '', ...table(['field', 'value', 'resolves to', 'note'], rows), '');
    }
  }
  return out;
}
