/** The reference's entity tables, rendered from ENTITY_FIELDS (src/transform/entity-fields.ts). */
import { ENTITY_KINDS } from '../../core/entity-kind.js';
import { ENTITY_FIELDS, isCustomField, type TargetField, type TargetFieldType } from '../../transform/entity-fields.js';
import { converterAnchor, entityAnchor, lookupAnchor, SECTIONS } from './reference-anchors.js';
import { anchorTag, code, jsonOf, table } from './reference-markdown.js';
import { LoadStepSchema } from './schema.js';

/** The converter that usually gives a field of each type its value (what the entity-fields types expect). */
const TYPE_CONVERTER: Partial<Record<TargetFieldType, string>> = {
  email: 'email',
  date: 'date',
  time: 'time',
  minutes: 'duration',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  enum: 'enum',
  refs: 'list',
};

function typeCell(f: TargetField, converters: ReadonlySet<string>): string {
  const conv = TYPE_CONVERTER[f.type];
  return conv && converters.has(conv) ? `${f.type} ([${conv}](#${converterAnchor(conv)}))` : f.type;
}

function limitCell(f: TargetField): string {
  if (f.maxChars === undefined) return '';
  return `${f.maxChars.toLocaleString('en-US')} (${f.limitSource === 'zoho-docs' ? 'Zoho documents it' : 'assumed'})`;
}

function valuesCell(f: TargetField): string {
  if (f.values) return f.values.map(code).join(', ');
  if (f.min !== undefined || f.max !== undefined) return `${f.min ?? ''}–${f.max ?? ''}`;
  return '';
}

/** One entity's table. */
function entityBlock(kind: (typeof ENTITY_KINDS)[number], converters: ReadonlySet<string>): string[] {
  const rows = Object.entries(ENTITY_FIELDS[kind]).map(([name, f]) => [
    code(name),
    typeCell(f, converters),
    limitCell(f),
    f.required ? 'yes' : '',
    valuesCell(f),
    f.lookup ? `[${f.lookup}](#${lookupAnchor(f.lookup)})` : '',
    f.description,
  ]);
  const custom = isCustomField(kind, 'cf_x') ? [`Also [custom fields](#${SECTIONS.customFields}) \`cf_<api_name>\`.`, ''] : [];
  return [`### ${code(kind)} ${anchorTag(entityAnchor(kind))}`, '', ...table(['field', 'type', 'limit (characters)', 'required', 'values / range', 'usual lookup', 'description'], rows), '', ...custom];
}

/**
 * Every entity's fields, then custom fields and `externalIdField`. `converters` is the set of
 * converter types the reference has sections for (a type column links only to those).
 */
export function entitiesSection(converters: ReadonlySet<string>): string[] {
  const externalId = jsonOf(LoadStepSchema).properties?.['externalIdField']?.description ?? '';
  const out = [
    `## Entities ${anchorTag(SECTIONS.entities)}`,
    '',
    'The fields a step of each `entity:` may fill. Types: `string`/`text`/`html` are text (`html` may hold markup; Zoho stores descriptions and notes as HTML); `date` is `YYYY-MM-DD`; `time` is `HH:MM` (24-hour); `minutes` is a whole number of minutes; `enum` is one of the values, exactly; `ref` is a Zoho id after a lookup, `refs` a list of them. ' +
      'Limits marked "assumed" are ours: no Zoho page states them, so a value over them is a reject in rejects.csv rather than a failed call mid-run (docs/zoho-api-notes.md#field-and-size-limits).',
    '',
    ...ENTITY_KINDS.map((k) => `- [${code(k)}](#${entityAnchor(k)})`),
    '',
  ];
  for (const kind of ENTITY_KINDS) out.push(...entityBlock(kind, converters));
  const withCustom = ENTITY_KINDS.filter((k) => isCustomField(k, 'cf_x'));
  out.push(
    `### Custom fields ${anchorTag(SECTIONS.customFields)}`,
    '',
    `Steps of ${withCustom.map(code).join(', ')} may fill custom fields by their api name, \`cf_<api_name>\` (letters, digits, \`_\`): \`cf_story_points: { from: Points }\`. Their values are sent as given and not checked here.`,
    '',
    `[\`externalIdField\`](#external-id-field): ${externalId}`,
    '',
  );
  return out;
}
