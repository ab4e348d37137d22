/**
 * The lookup reference: one entry per lookup kind, rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) and run by a test against the sandbox (each example's value must resolve to the
 * seeded record, or be refused with its code). A kind without an entry fails that test.
 */
import type { LookupKind } from './lookup-spec.js';

/** One worked example: a field using the lookup, the value looked up, and what it resolves to. */
export interface LookupExample {
  /** The field as written in a pipeline file (YAML text, e.g. `owner: { from: Assignee, lookup: { kind: user-by-name } }`). */
  yaml: string;
  /** The source value looked up. */
  value: string;
  /** What it resolves to, in words (e.g. `the id of the portal user whose full name is Jonas Müller`). */
  resolvesTo?: string;
  /** The reject code when the example shows a refusal, e.g. `ROW_AMBIGUOUS_REFERENCE`. */
  rejects?: string;
  note?: string;
}

export interface LookupDoc {
  kind: LookupKind;
  /** What it matches and how (exact, then case-insensitive…), and what Zoho listing it reads. Markdown. */
  summary: string;
  /** The lookup's options (`within`, `step`, `onMissing`…), one line each. Markdown. */
  options: readonly string[];
  examples: readonly LookupExample[];
}

/** Every lookup kind, in the order the reference lists them. */
export const LOOKUP_DOCS: readonly LookupDoc[] = [
  {
    kind: 'role-by-name',
    summary:
      "A portal role by its name (e.g. `Manager`), for a user step's `role`: exact first (trimmed), then case-insensitive; a name held by several roles matches none. Reads the portal's role listing once per run (`GET /settings/roles`, else `GET /roles`: the path is unconfirmed, see docs/zoho-api-notes.md#users). A role given as an id (digits) needs no lookup.",
    options: ['No `within`: roles are portal-wide.', '`onMissing`: `reject` (default, ROW_UNKNOWN_REFERENCE), `warn`, or `{ default: VALUE }` (a role name or id).'],
    examples: [
      { yaml: 'role: { from: Role, lookup: { kind: role-by-name } }', value: 'Manager', resolvesTo: 'the id of the portal role named Manager' },
      { yaml: 'role: { from: Role, lookup: { kind: role-by-name } }', value: 'employee', resolvesTo: 'the id of the portal role named Employee (case-insensitive)' },
      { yaml: 'role: { from: Role, lookup: { kind: role-by-name } }', value: 'Intern', rejects: 'ROW_UNKNOWN_REFERENCE', note: 'no portal role has that name' },
    ],
  },
  {
    kind: 'profile-by-name',
    summary:
      "A portal profile by its name (e.g. `Employee`), for a user step's `profile`: matched like role-by-name. Reads the portal's profile listing once per run (`GET /settings/profiles`, else `GET /profiles`: unconfirmed, see docs/zoho-api-notes.md#users). A profile given as an id needs no lookup.",
    options: ['No `within`: profiles are portal-wide.', '`onMissing`: `reject` (default, ROW_UNKNOWN_REFERENCE), `warn`, or `{ default: VALUE }`.'],
    examples: [
      { yaml: 'profile: { from: Profile, lookup: { kind: profile-by-name } }', value: 'Employee', resolvesTo: 'the id of the portal profile named Employee' },
      { yaml: 'profile: { from: Profile, lookup: { kind: profile-by-name } }', value: 'Contractor', rejects: 'ROW_UNKNOWN_REFERENCE', note: 'no portal profile has that name' },
    ],
  },
];
