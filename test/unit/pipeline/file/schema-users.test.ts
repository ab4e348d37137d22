/**
 * What validate says about user and time-log steps: the fields Zoho cannot take are refused with the
 * reason, a portal-scope step refuses what it would never send, and a time log names its owner or says
 * explicitly that the API user gets it.
 */
import { describe, expect, it } from 'vitest';
import { validatePipelineText } from '../../../../src/pipeline/file/load-pipeline.js';

const users = (fields: string, scope = 'project') => `version: 1
name: t
steps:
  - name: users
    entity: user
    scope: ${scope}
    source: { type: csv, path: users.csv }
    key: [Email]
    fields:
      email: { from: Email, converter: email }
${fields}`;

const logs = (user: string) => `version: 1
name: t
steps:
  - name: logs
    entity: timelog
    source: { type: csv, path: logs.csv }
    key: [Id]
    fields:
      project: { from: Project, lookup: { kind: project-by-name } }
      logName: { from: Title }
      date: { from: Date, converter: { type: date, formats: [YYYY-MM-DD] } }
      minutes: { from: Hours, converter: { type: duration, format: "hh:mm" } }
      billing: { default: Billable }
${user}`;

const problems = (text: string) => {
  const r = validatePipelineText(text, '/x/p.yaml', {});
  return r.ok ? [] : r.problems;
};

describe('user steps', () => {
  it('refuse firstName and lastName with the reason: Zoho cannot set names, user-by-name matches by them', () => {
    const p = problems(users('      project: { from: Project, lookup: { kind: project-by-name } }\n      firstName: { from: First }\n      lastName: { from: Last }\n'));
    expect(p.map((x) => x.path)).toEqual(['steps[0].fields.firstName', 'steps[0].fields.lastName']);
    expect(p[0]!.line).toBe(12);
    expect(p[0]!.message).toContain('not accepted');
    expect(p[0]!.message).toContain('email_id, role_id and profile_id');
    expect(p[0]!.message).toContain('user-by-name');
  });

  it('take roles and profiles by name through their lookups, and several projects through `projects`', () => {
    expect(
      problems(
        users(
          '      projects: { from: Projects, converter: list, lookup: { kind: project-by-name } }\n      role: { from: Role, lookup: { kind: role-by-name } }\n      profile: { from: Profile, lookup: { kind: profile-by-name } }\n',
        ),
      ),
    ).toEqual([]);
  });

  it('at portal scope, refuse what would never be sent (the step only checks e-mails)', () => {
    const p = problems(users('      role: { from: Role, lookup: { kind: role-by-name } }\n      project: { from: Project, lookup: { kind: project-by-name } }\n', 'portal'));
    expect(p.map((x) => x.path)).toEqual(['steps[0].fields.project', 'steps[0].fields.role']);
    expect(p[0]!.message).toContain('scope: project');
  });
});

describe('time-log steps', () => {
  it('without `user` fail validate, saying why (a payroll trap) and how to credit the API user', () => {
    const p = problems(logs(''));
    expect(p).toHaveLength(1);
    expect(p[0]!.path).toBe('steps[0].fields');
    expect(p[0]!.message).toContain('timelog needs field "user"');
    expect(p[0]!.message).toContain('payroll trap');
    expect(p[0]!.message).toContain('user: { default: api-user }');
  });

  it('with `user: { default: api-user }` or a mapped owner, validate', () => {
    expect(problems(logs('      user: { default: api-user }\n'))).toEqual([]);
    expect(problems(logs('      user: { from: Author, converter: email, lookup: { kind: user-by-email }, default: api-user }\n'))).toEqual([]);
  });
});
