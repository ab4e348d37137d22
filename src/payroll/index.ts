export { runPayrollExport } from './run-payroll-export.js';
export type { ExportTimesheetsOptions, ExportResult, ExportTotals, ExportWarning, TimesheetSource } from './run-payroll-export.js';
export { resolvePeriod, todayIn, type Period } from './period.js';
export {
  PAYROLL_SCHEMA,
  ZOHO_TIMELOGS_SOURCE_SCHEMA,
  CUSTOM_LAYOUT_SCHEMA,
  PAY_PERIOD_RULE_SCHEMA,
  DURATION_FIELDS,
  LOG_TEXT_FIELDS,
  EMPLOYEE_TEXT_FIELDS,
  type PayrollConfig,
  type CustomLayout,
  type PayPeriodRule,
  type Rounding,
  type Overtime,
  type EmployeesSource,
} from './config-schema.js';
export { DETAIL_LAYOUT, SUMMARY_LAYOUT } from './layouts.js';
export { neutralise } from './neutralise.js';
export { formatDecimalHours } from './format-duration.js';
export { ADJUSTMENT_REASONS, type AdjustmentReason } from './adjustments.js';
