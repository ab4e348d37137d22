/**
 * The lookup reference: one entry per lookup kind, rendered into docs/pipelines.md (the generator in
 * src/pipeline/file/) and run by a test against the sandbox (each example's value must resolve to the
 * seeded record, or be refused with its code). A kind without an entry fails that test.
 *
 * The examples share one portal (the test seeds it): users Jonas Müller, Ann Lee (a member of project
 * Apollo) and two users named Sam Smith; projects Apollo and two named Website; in Apollo the task
 * lists Phase 1 and Phase 2, the milestone Beta, the tasks Design (in each list) and Launch (Phase 2);
 * and a crosswalk where step `tasks` loaded PROJ-1 and step `subtasks` loaded PROJ-7.
 */
import type { LookupKind } from './lookup-spec.js';

/** One worked example: a field using the lookup, the value looked up, and what it resolves to. */
export interface LookupExample {
  /**
   * The field as written in a pipeline file (YAML text, e.g. `owner: { from: Assignee, lookup: { kind: user-by-name } }`).
   * Several lines when the lookup needs other fields (`within: project`): the last field is the one shown.
   */
  yaml: string;
  /** The source value looked up. */
  value: string;
  /** The row's other source columns the example needs (the project a `within` lookup is scoped by), e.g. `{ Project: 'Apollo' }`. */
  row?: Readonly<Record<string, string>>;
  /** What it resolves to, in words (e.g. `the id of the portal user whose full name is Jonas Müller`). */
  resolvesTo?: string;
  /** The reject code when the example shows a refusal, e.g. `ROW_AMBIGUOUS_REFERENCE`. */
  rejects?: string;
  /** The warning code when the example shows `onMissing: warn` letting the row load without the field. */
  warns?: string;
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

/** How names match, said once for every by-name kind. */
const NAMES =
  'Names match exactly first (trimmed, Unicode NFC: "Müller" typed either way is the same name), then case-insensitively (runs of spaces collapsed). ' +
  'A name that matches several records is refused with `ROW_AMBIGUOUS_REFERENCE`, naming them: the row is never attached to a guess.';

const ON_MISSING =
  '`onMissing`: `reject` (the default) refuses the row; `warn` loads it with the field left empty (a list field drops the element) and reports a warning with the same code; ' +
  '`{ default: VALUE }` looks VALUE up the same way instead (not found either: the row is refused naming both). An ambiguous name (several records) is always refused, naming the candidates, whatever the policy. ' +
  '`warn` is refused at validate on a required field, and a row it leaves invalid (a time log with neither `task` nor `logName`) is refused with the lookup\'s code.';

const WITHIN_PROJECT = "`within: <field>`: look among that project's records: the field of this mapping holding the project (its resolved id when it is a lookup).";

const PROJECT = 'project: { from: Project, lookup: { kind: project-by-name } }';

/** Every lookup kind, in the order the reference lists them. */
export const LOOKUP_DOCS: readonly LookupDoc[] = [
  {
    kind: 'user-by-email',
    summary: "A portal user by e-mail address, compared as one person however it is written (case, Unicode or punycode domain: the match form of docs/zoho-api-notes.md#e-mail-addresses). Reads the portal's user listing once per run step (with `within`, the project's users instead).",
    options: ["`within: <field>`: look among that project's users only (the field holding the project).", ON_MISSING],
    examples: [
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-email } }', value: 'Ann.Lee@Example.com', resolvesTo: 'the zpuid of the portal user ann.lee@example.com' },
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-email } }', value: 'nobody@example.com', rejects: 'ROW_UNKNOWN_USER', note: 'no portal user has that address' },
      {
        yaml: `${PROJECT}\nuser: { from: Author, lookup: { kind: user-by-email, within: project } }`,
        value: 'jonas.mueller@example.com',
        row: { Project: 'Apollo' },
        rejects: 'ROW_UNKNOWN_USER',
        note: 'Jonas is a portal user but not a member of Apollo',
      },
    ],
  },
  {
    kind: 'user-by-name',
    summary: `A portal user by display name: \`full_name\`, else first and last name, else \`name\`, as Zoho's user object carries them. ${NAMES} Reads the portal's user listing (shared with user-by-email), or with \`within\` the project's users.`,
    options: ["`within: <field>`: look among that project's users only (the field holding the project).", ON_MISSING],
    examples: [
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-name } }', value: 'Jonas Müller', resolvesTo: 'the zpuid of the portal user whose full name is Jonas Müller' },
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-name } }', value: 'jonas müller', resolvesTo: 'the same user: no exact match, one case-insensitive one' },
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-name } }', value: 'Sam Smith', rejects: 'ROW_AMBIGUOUS_REFERENCE', note: 'two portal users are named Sam Smith: the message names both e-mails' },
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-name, onMissing: warn } }', value: 'Jane Roe', warns: 'ROW_UNKNOWN_USER', resolvesTo: 'nothing: the row loads without an owner and the warning is reported' },
      { yaml: 'owner: { from: Assignee, lookup: { kind: user-by-name, onMissing: { default: Ann Lee } } }', value: 'Jane Roe', resolvesTo: 'the zpuid of Ann Lee, the default' },
    ],
  },
  {
    kind: 'project-by-name',
    summary: `A project by name across the portal. ${NAMES} Reads the portal's project listing once per run step.`,
    options: [ON_MISSING],
    examples: [
      { yaml: PROJECT, value: 'Apollo', resolvesTo: 'the id of project Apollo' },
      { yaml: PROJECT, value: 'Website', rejects: 'ROW_AMBIGUOUS_REFERENCE', note: 'two projects are named Website' },
      { yaml: PROJECT, value: 'Zeus', rejects: 'ROW_UNKNOWN_PROJECT' },
    ],
  },
  {
    kind: 'tasklist-by-name',
    summary: `A task list by name within the row's project. ${NAMES} Reads each project's task-list listing once per run step.`,
    options: [`${WITHIN_PROJECT} Required.`, ON_MISSING],
    examples: [
      { yaml: `${PROJECT}\ntasklist: { from: List, lookup: { kind: tasklist-by-name, within: project } }`, value: 'Phase 1', row: { Project: 'Apollo' }, resolvesTo: 'the id of task list Phase 1 in Apollo' },
      { yaml: `${PROJECT}\ntasklist: { from: List, lookup: { kind: tasklist-by-name, within: project } }`, value: 'Phase 9', row: { Project: 'Apollo' }, rejects: 'ROW_UNKNOWN_REFERENCE' },
    ],
  },
  {
    kind: 'milestone-by-name',
    summary: `A milestone by name within the row's project. ${NAMES} Reads each project's milestone listing once per run step.`,
    options: [`${WITHIN_PROJECT} Required.`, ON_MISSING],
    examples: [
      { yaml: `${PROJECT}\nmilestone: { from: Phase, lookup: { kind: milestone-by-name, within: project } }`, value: 'Beta', row: { Project: 'Apollo' }, resolvesTo: 'the id of milestone Beta in Apollo' },
      { yaml: `${PROJECT}\nmilestone: { from: Phase, lookup: { kind: milestone-by-name, within: project } }`, value: 'Gamma', row: { Project: 'Apollo' }, rejects: 'ROW_UNKNOWN_REFERENCE' },
    ],
  },
  {
    kind: 'task-by-name',
    summary:
      `A task already in Zoho by name, within the row's project, optionally narrowed to a task list. Subtasks count (Zoho's task listing includes them). ${NAMES} ` +
      'Reads each project\'s task listing once per run step. In a dry run it also finds the tasks earlier steps would create.',
    options: [`${WITHIN_PROJECT} Required.`, '`tasklist: <field>`: only tasks of the task list that field holds (its resolved id); a row where it is empty searches the whole project.', ON_MISSING],
    examples: [
      { yaml: `${PROJECT}\ntask: { from: Issue, lookup: { kind: task-by-name, within: project } }`, value: 'Launch', row: { Project: 'Apollo' }, resolvesTo: 'the id of task Launch in Apollo' },
      {
        yaml: `${PROJECT}\ntask: { from: Issue, lookup: { kind: task-by-name, within: project } }`,
        value: 'Design',
        row: { Project: 'Apollo' },
        rejects: 'ROW_AMBIGUOUS_REFERENCE',
        note: 'Apollo has a task Design in each of its two task lists: the message names both ids',
      },
      {
        yaml: `${PROJECT}\ntasklist: { from: List, lookup: { kind: tasklist-by-name, within: project } }\ntask: { from: Issue, lookup: { kind: task-by-name, within: project, tasklist: tasklist } }`,
        value: 'Design',
        row: { Project: 'Apollo', List: 'Phase 2' },
        resolvesTo: 'the id of the task Design in task list Phase 2',
      },
      { yaml: `${PROJECT}\ntask: { from: Issue, lookup: { kind: task-by-name, within: project } }`, value: 'Deploy', row: { Project: 'Apollo' }, rejects: 'ROW_UNKNOWN_REFERENCE' },
    ],
  },
  {
    kind: 'task-by-key',
    summary:
      "A task or subtask loaded by an earlier step of this pipeline, by that step's source key (the crosswalk; in a dry run, the rows earlier steps would create). " +
      'Not a Zoho listing: a key never loaded by the pipeline is unknown (`ROW_MISSING_PARENT`).',
    options: ['`step: <step>` or `step: [<step>, …]`: the task or subtask steps whose keys are looked up; with a list the first step (in list order) holding the key wins. Required.', ON_MISSING],
    examples: [
      { yaml: 'task: { from: Issue, lookup: { kind: task-by-key, step: tasks } }', value: 'PROJ-1', resolvesTo: 'the id of the task step `tasks` loaded for PROJ-1' },
      {
        yaml: 'task: { from: Issue, lookup: { kind: task-by-key, step: [tasks, subtasks] } }',
        value: 'PROJ-7',
        resolvesTo: 'the id of the subtask step `subtasks` loaded for PROJ-7',
        note: 'worklogs on tasks and subtasks alike',
      },
      { yaml: 'task: { from: Issue, lookup: { kind: task-by-key, step: [tasks, subtasks] } }', value: 'PROJ-99', rejects: 'ROW_MISSING_PARENT' },
      {
        yaml: 'logName: { from: Summary }\ntask: { from: Issue, lookup: { kind: task-by-key, step: tasks, onMissing: warn } }',
        value: 'PROJ-99',
        row: { Summary: 'Support' },
        warns: 'ROW_MISSING_PARENT',
        resolvesTo: 'nothing: the time log loads as a general log named Support, with a warning',
      },
    ],
  },
  {
    kind: 'role-by-name',
    summary:
      "A portal role by its name (e.g. `Manager`), for a user step's `role`: matched as names are (exact, then case-insensitive); a name held by several roles is refused as ambiguous. Reads the portal's role listing once per run (`GET /settings/roles`, else `GET /roles`: the path is unconfirmed, see docs/zoho-api-notes.md#users). A role given as an id (digits) needs no lookup.",
    options: ['No `within`: roles are portal-wide.', `${ON_MISSING} A default is a role name (looked up like the value), not an id.`],
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
    options: ['No `within`: profiles are portal-wide.', `${ON_MISSING} A default is a profile name (looked up like the value), not an id.`],
    examples: [
      { yaml: 'profile: { from: Profile, lookup: { kind: profile-by-name } }', value: 'Employee', resolvesTo: 'the id of the portal profile named Employee' },
      { yaml: 'profile: { from: Profile, lookup: { kind: profile-by-name } }', value: 'Contractor', rejects: 'ROW_UNKNOWN_REFERENCE', note: 'no portal profile has that name' },
    ],
  },
];
