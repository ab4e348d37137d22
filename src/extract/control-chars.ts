/** The control-character rule lives in core (src/core/control-chars.ts): the payroll export applies it too. */
export * from '../core/control-chars.js';
