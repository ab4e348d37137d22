/** Employee ids from a user custom field: the employee's name is the user's display name, the rule user-by-name matches. */
import { describe, expect, it } from 'vitest';
import { loadEmployeeCustomField } from '../../../src/payroll/employees.js';
import type { User, ZohoApi } from '../../../src/zoho/types.js';

async function* gen<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

const api = (users: (User & Record<string, unknown>)[]) => ({ users: { listPortal: () => gen(users) } }) as unknown as Pick<ZohoApi, 'users'>;

describe('loadEmployeeCustomField', () => {
  it('names each employee by the display name: full_name, else first + last name (an empty full_name too), else name', async () => {
    const dir = await loadEmployeeCustomField(
      api([
        { id: '1', email: 'Ann@X.example', full_name: ' Ann Lee ', cf_emp: 'E1' },
        { id: '2', email: 'bob@x.example', full_name: '', first_name: 'Bob', last_name: 'Day', cf_emp: 'E2' },
        { id: '3', email: 'bot@x.example', name: 'Build Bot', cf_emp: 'E3' },
        { id: '4', email: 'nobody@x.example', full_name: 'No Id' },
      ]),
      'cf_emp',
    );
    expect([...dir.byZpuid.entries()]).toEqual([
      ['1', { employeeId: 'E1', name: 'Ann Lee' }],
      ['2', { employeeId: 'E2', name: 'Bob Day' }],
      ['3', { employeeId: 'E3', name: 'Build Bot' }],
    ]);
    expect(dir.byEmail.get('ann@x.example')).toEqual({ employeeId: 'E1', name: 'Ann Lee' });
  });
});
