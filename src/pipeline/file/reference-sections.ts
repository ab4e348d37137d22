/**
 * The reference's sections about the file's shape: the top level, steps, sources, `where:`, modes,
 * `options:`, export steps and `payroll:`. Every table is read from the zod schemas and their
 * `.describe()` texts (schema.ts, src/extract/source-schema.ts, src/transform/row-filter.ts).
 */
import { LOAD_MODES, DEFAULT_LOAD_MODE } from '../../core/load-mode.js';
import { SourceSchema } from '../../extract/source-schema.js';
import { PAYROLL_SCHEMA, ZOHO_TIMELOGS_SOURCE_SCHEMA } from '../../payroll/config-schema.js';
import { WhereConditionSchema, WhereSchema } from '../../transform/row-filter.js';
import { SECTIONS, sourceAnchor, stepKeyAnchor, STEP_KEYS_WITH_SECTIONS } from './reference-anchors.js';
import { anchorTag, code, descriptionOf, jsonOf, propertyTable, table } from './reference-markdown.js';
import { ExportStepSchema, LoadStepSchema, OptionsSchema, PipelineSchema, RejectLimitSchema, WindowSchema } from './schema.js';

/** Examples of `where:`, each parsed by a test through WhereSchema. */
export const WHERE_EXAMPLES: readonly { yaml: string; keeps: string }[] = [
  { yaml: 'where: { column: Type, equals: Task }', keeps: 'rows whose trimmed `Type` is exactly `Task`' },
  { yaml: 'where: { column: Status, in: [Open, "In Progress"] }', keeps: 'rows whose `Status` is one of these' },
  { yaml: 'where: { column: Parent ID, empty: true }', keeps: 'rows with no `Parent ID` (missing or blank)' },
  { yaml: 'where: { column: Parent ID, notEmpty: true }', keeps: 'rows with a `Parent ID`' },
  { yaml: 'where: [{ column: Type, in: [Task, Bug] }, { column: Parent ID, empty: true }]', keeps: 'rows meeting every condition of the list' },
];

/** The reference's "top level" section (markdown lines): the pipeline file's keys, and `${NAME}` substitution. */
export function topLevelSection(): string[] {
  return [
    `## The top level ${anchorTag(SECTIONS.topLevel)}`,
    '',
    ...propertyTable(jsonOf(PipelineSchema), { link: (k) => (k === 'options' ? SECTIONS.options : k === 'steps' ? SECTIONS.steps : k === 'payroll' ? SECTIONS.payroll : undefined) }),
    '',
    'Any string may hold `${NAME}`, replaced from the environment (or `.env`); `$${` writes a literal `${`. An unknown key anywhere is an error: a misspelt option silently ignored would run something else than its author thinks.',
    '',
  ];
}

/** The "steps" section: a load step's keys, each with its anchor (`#scope`, `#key` …) for validate's hints. */
export function stepsSection(): string[] {
  const load = jsonOf(LoadStepSchema);
  return [
    `## Steps ${anchorTag(SECTIONS.steps)}`,
    '',
    `A step is a load step (\`entity:\` + a file source: rows → Zoho) or an [export step](#${SECTIONS.exportSteps}) (\`source.type: zoho-timelogs\`). A load step's keys:`,
    '',
    ...propertyTable(load, { anchorFor: stepKeyAnchor, link: (k) => STEP_KEYS_WITH_SECTIONS[k] ?? (k === 'entity' ? SECTIONS.entities : undefined) }),
    '',
  ];
}

/** The "sources" section: the list of source types, then one sub-section (`#source-<type>`) with each type's options. */
export function sourcesSection(): string[] {
  const out = [
    `## Sources ${anchorTag(SECTIONS.sources)}`,
    '',
    'A load step reads one file, streamed: `source: { type, path, … }`. Every record keeps its line (and byte offset), so a reject names where it came from.',
    '',
    ...SourceSchema.options.map((o) => `- [${code(o.shape.type.value)}](#${sourceAnchor(o.shape.type.value)})`),
    '',
  ];
  for (const option of SourceSchema.options) {
    const json = jsonOf(option);
    out.push(`### ${code(option.shape.type.value)} ${anchorTag(sourceAnchor(option.shape.type.value))}`, '', json.description ?? '', '', ...propertyTable(json), '');
  }
  return out;
}

/** The `where:` section: a condition's keys and the worked examples of WHERE_EXAMPLES. */
export function whereSection(): string[] {
  return [
    `## \`where:\` ${anchorTag(SECTIONS.where)}`,
    '',
    descriptionOf(jsonOf(WhereSchema)),
    '',
    ...propertyTable(jsonOf(WhereConditionSchema)),
    '',
    ...table(
      ['example', 'keeps'],
      WHERE_EXAMPLES.map((e) => [code(e.yaml), e.keeps]),
    ),
    '',
  ];
}

/** The "modes" section: the load modes, the default, and how each treats a record that may exist. */
export function modesSection(): string[] {
  const text = jsonOf(LoadStepSchema).properties?.['mode']?.description ?? '';
  return [
    `## Modes ${anchorTag(SECTIONS.modes)}`,
    '',
    `\`mode:\` of a load step, one of ${LOAD_MODES.map(code).join(', ')} (default ${code(DEFAULT_LOAD_MODE)}). ${text}`,
    '',
    `Every mode keeps the step's [key](#key) in the checkpoint: a rerun (or \`zpetl resume\`) never creates a key twice. The dry run decides each row the same way and counts it as \`wouldCreate\`, \`wouldSkip\` or \`wouldUpdate\`.`,
    '',
  ];
}

/** The `options:` section: the run options, with their `window` and `rejectLimit` sub-sections. */
export function optionsSection(): string[] {
  return [
    `## \`options:\` ${anchorTag(SECTIONS.options)}`,
    '',
    descriptionOf(jsonOf(OptionsSchema)),
    '',
    ...propertyTable(jsonOf(OptionsSchema), { link: (k) => (k === 'window' ? SECTIONS.window : k === 'rejectLimit' ? SECTIONS.rejectLimit : undefined) }),
    '',
    `### \`window\` ${anchorTag(SECTIONS.window)}`,
    '',
    descriptionOf(jsonOf(WindowSchema)),
    '',
    ...propertyTable(jsonOf(WindowSchema)),
    '',
    `### \`rejectLimit\` ${anchorTag(SECTIONS.rejectLimit)}`,
    '',
    descriptionOf(jsonOf(RejectLimitSchema)),
    '',
    ...propertyTable(jsonOf(RejectLimitSchema)),
    '',
  ];
}

/** The export steps' section (their `zoho-timelogs` source) and the `payroll:` section that names its keys. */
export function exportSection(): string[] {
  const payrollKeys = Object.keys(jsonOf(PAYROLL_SCHEMA).properties ?? {});
  return [
    `## Export steps ${anchorTag(SECTIONS.exportSteps)}`,
    '',
    `${descriptionOf(jsonOf(ExportStepSchema))} They run after the load steps, and only when the load finished (ok, or rejects under the limit). Its \`source\`:`,
    '',
    ...propertyTable(jsonOf(ZOHO_TIMELOGS_SOURCE_SCHEMA)),
    '',
    `## \`payroll:\` ${anchorTag(SECTIONS.payroll)}`,
    '',
    `${descriptionOf(jsonOf(PipelineSchema).properties?.['payroll'])} Its keys: ${payrollKeys.map(code).join(', ')}. ` +
      'See [src/payroll/README.md](../src/payroll/README.md) for each rule, and `pipelines/nightly-payroll-export.yaml` for a commented example.',
    '',
  ];
}
