/**
 * The `payroll:` section of a pipeline file (and the options `zpetl export timesheets` reads from it):
 * pay-period rules, overtime, rounding, the employee mapping and custom CSV layouts. camelCase keys.
 * The pipeline schema embeds PAYROLL_SCHEMA as an optional top-level `payroll:` key.
 */
import { z } from 'zod';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** A week start: 0 = Sunday … 6 = Saturday, or a day name. Normalised to the number. */
export const WEEK_START_SCHEMA = z
  .union([z.number().int().min(0).max(6), z.enum(WEEKDAYS)], { error: 'expected a day name (monday) or 0-6 (0 = Sunday)' })
  .transform((v) => (typeof v === 'number' ? v : WEEKDAYS.indexOf(v)));

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

/**
 * A named pay-period rule. `select: previous` (default) picks the last period that ended before
 * today (what a nightly job exports), `current` the one containing today.
 *  - weekly: weeks starting on the configured week start;
 *  - biweekly: 14-day periods, one of which starts on `anchor`;
 *  - semi-monthly: the 1st–15th and the 16th–month end;
 *  - monthly: calendar months.
 */
export const PAY_PERIOD_RULE_SCHEMA = z.discriminatedUnion('type', [
  z.object({ type: z.literal('weekly'), select: z.enum(['previous', 'current']).default('previous') }).strict(),
  z.object({ type: z.literal('biweekly'), anchor: localDate, select: z.enum(['previous', 'current']).default('previous') }).strict(),
  z.object({ type: z.literal('semi-monthly'), select: z.enum(['previous', 'current']).default('previous') }).strict(),
  z.object({ type: z.literal('monthly'), select: z.enum(['previous', 'current']).default('previous') }).strict(),
]);
export type PayPeriodRule = z.infer<typeof PAY_PERIOD_RULE_SCHEMA>;

/** Row kinds of a layout: one row per time log, or one row per employee per period. */
export const ROW_KINDS = ['log', 'employee'] as const;

/** Fields a custom layout column may name. Duration fields take a `format`; the rest are text. */
export const LOG_TEXT_FIELDS = [
  'employee_id', 'employee_name', 'email', 'user_id', 'date', 'week_start', 'project_id', 'project_name',
  'task_id', 'task_name', 'log_type', 'log_id', 'billing', 'approval', 'notes', 'period_start', 'period_end',
] as const;
export const EMPLOYEE_TEXT_FIELDS = ['employee_id', 'employee_name', 'email', 'user_id', 'period_start', 'period_end', 'logs'] as const;
/** Durations: `source` = minutes as logged; `paid` = after rounding; paid = regular + overtime = billable + non_billable. */
export const DURATION_FIELDS = ['source', 'paid', 'regular', 'overtime', 'daily_overtime', 'weekly_overtime', 'billable', 'non_billable'] as const;
export type DurationField = (typeof DURATION_FIELDS)[number];

/** `minutes` (integer), `hh:mm`, or `decimal` hours with `places` decimals (half away from zero). */
export const FORMAT_SCHEMA = z.union([
  z.literal('minutes'),
  z.literal('hh:mm'),
  z.object({ decimal: z.number().int().min(0).max(6) }).strict(),
]);
export type DurationFormat = z.infer<typeof FORMAT_SCHEMA>;

export const COLUMN_SCHEMA = z
  .object({
    header: z.string().min(1),
    field: z.string().min(1),
    format: FORMAT_SCHEMA.optional(),
  })
  .strict();

export const CUSTOM_LAYOUT_SCHEMA = z
  .object({
    rows: z.enum(ROW_KINDS),
    columns: z.array(COLUMN_SCHEMA).min(1),
  })
  .strict()
  .superRefine((layout, ctx) => {
    const text: readonly string[] = layout.rows === 'log' ? LOG_TEXT_FIELDS : EMPLOYEE_TEXT_FIELDS;
    layout.columns.forEach((c, i) => {
      const isDuration = (DURATION_FIELDS as readonly string[]).includes(c.field);
      if (!isDuration && !text.includes(c.field)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', i, 'field'],
          message: `unknown field "${c.field}" for rows: ${layout.rows}; expected one of ${[...text, ...DURATION_FIELDS].join(', ')}`,
        });
      }
      if (!isDuration && c.format !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['columns', i, 'format'], message: `field "${c.field}" is text and takes no format` });
      }
    });
  });
export type CustomLayout = z.infer<typeof CUSTOM_LAYOUT_SCHEMA>;

export const ROUNDING_SCHEMA = z
  .object({
    mode: z.enum(['none', 'nearest-6', 'nearest-15']).default('none'),
    per: z.enum(['log', 'day']).default('log'),
  })
  .strict();
export type Rounding = z.infer<typeof ROUNDING_SCHEMA>;

export const OVERTIME_SCHEMA = z
  .object({
    /** Minutes per day above which time is daily overtime (480 = 8 h). Omit for no daily rule. */
    dailyOverMinutes: z.number().int().positive().optional(),
    /** Regular minutes per week above which time is weekly overtime (2400 = 40 h). Omit for no weekly rule. */
    weeklyOverMinutes: z.number().int().positive().optional(),
  })
  .strict();
export type Overtime = z.infer<typeof OVERTIME_SCHEMA>;

/** Where employee ids come from: a CSV (email, employee_id, name) or a Zoho user custom field. */
export const EMPLOYEES_SCHEMA = z.union([
  z.object({ csv: z.string().min(1) }).strict(),
  z.object({ customField: z.string().regex(/^cf_\w+$/, 'expected a user custom field name such as cf_employee_id') }).strict(),
]);
export type EmployeesSource = z.infer<typeof EMPLOYEES_SCHEMA>;

export const BILLABLE_FILTER = z.enum(['billable', 'non-billable', 'all']);

export const PAYROLL_FILTERS_SCHEMA = z
  .object({
    approval: z.array(z.enum(['Approved', 'Unapproved', 'Rejected'])).min(1).default(['Approved']),
    billable: BILLABLE_FILTER.default('all'),
    /** Emails or zpuids; default every user. */
    users: z.array(z.string().min(1)).optional(),
    /** Project ids or names; default every project in scope. */
    projects: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** The whole `payroll:` section. */
export const PAYROLL_SCHEMA = z
  .object({
    /** IANA zone of the portal; days and weeks follow it. */
    timeZone: z.string().min(1),
    weekStart: WEEK_START_SCHEMA.default(1),
    periods: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), PAY_PERIOD_RULE_SCHEMA).default({}),
    scope: z.object({ projects: z.array(z.string().regex(/^\d+$/, 'expected a project id (digits)')).min(1).optional() }).strict().default({}),
    filters: PAYROLL_FILTERS_SCHEMA.default({ approval: ['Approved'], billable: 'all' }),
    employees: EMPLOYEES_SCHEMA.optional(),
    /** `keep` (default): rows of users without an employee id are written with an empty id and reported; `reject`: held back and reported. */
    unmappedUsers: z.enum(['keep', 'reject']).default('keep'),
    rounding: ROUNDING_SCHEMA.default({ mode: 'none', per: 'log' }),
    overtime: OVERTIME_SCHEMA.default({}),
    layouts: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), CUSTOM_LAYOUT_SCHEMA).default({}),
  })
  .strict();
export type PayrollConfig = z.infer<typeof PAYROLL_SCHEMA>;

/** A pipeline step source that reads time logs from Zoho (`source: { type: zoho-timelogs }`). */
export const ZOHO_TIMELOGS_SOURCE_SCHEMA = z
  .object({
    type: z.literal('zoho-timelogs'),
    /** A period expression (2026-11-01..2026-11-15, yesterday, last-week, this-month, last-month) or a rule name. */
    period: z.string().min(1),
    layout: z.string().min(1).default('detail'),
    out: z.string().min(1),
    adjustments: z.boolean().default(false),
  })
  .strict();
