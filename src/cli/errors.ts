/**
 * How the CLI prints an error: `CODE: message (file:line)`, then the field and value when the error
 * names them, then a `hint:` line saying what to do next. Secrets are redacted before printing.
 */
import { sep } from 'node:path';
import { toZpetlError, ZpetlError } from '../core/errors.js';
import { redact } from '../core/redact.js';
import { exitCodeForError } from './exit-codes.js';
import { println, type OutStream } from './io.js';

/** Generic next steps per code family, used when the error carries no hint of its own. */
function defaultHint(e: ZpetlError): string | undefined {
  if (e.code === 'USAGE_INVALID') return 'Run `zpetl --help` or `zpetl <command> --help` for usage and examples.';
  if (e.code.startsWith('PIPELINE_')) return 'Check the pipeline file with `zpetl validate FILE`; every problem is listed with its path.';
  if (e.code.startsWith('CONFIG_')) return 'See "Real Zoho setup" in the README for the environment variables and .env file.';
  if (e.code === 'INTERNAL') return 'This is a bug in zpetl. Re-run with ZPETL_DEBUG=1 for the stack trace and report it.';
  return undefined;
}

/** How an error is printed beyond its own text. */
export interface ErrorPrintOptions {
  /** Replaces the generic hint of a code family (runCli gives usage errors the named command's `--help`). */
  fallbackHint?: string;
  /** Paths under this folder are shown relative to it, as the user typed them (`p.yaml:5`, not `/home/…/p.yaml:5`). */
  cwd?: string;
}

/** The lines printed for an error (no trailing newline). */
export function formatErrorLines(err: unknown, env: NodeJS.ProcessEnv = {}, o: ErrorPrintOptions = {}): string[] {
  const e = toZpetlError(err);
  const lines = [redact(e.format())];
  if (e.field !== undefined && e.field !== '') {
    const value = e.value === undefined ? '' : ` = ${redact(JSON.stringify(e.value))}`;
    lines.push(`  field: ${e.field}${value}`);
  }
  const problems = e.details['problems'];
  if (Array.isArray(problems)) {
    for (const p of problems) {
      const text = typeof p === 'string' ? p : typeof (p as { message?: unknown })?.message === 'string' ? (p as { message: string }).message : JSON.stringify(p);
      // A message that already lists its problems (a pipeline file's, with file:line) is not repeated.
      if (!e.message.includes(text)) lines.push(`  - ${redact(text)}`);
    }
  }
  const hint = e.hint ?? o.fallbackHint ?? defaultHint(e);
  if (hint) lines.push(`hint: ${redact(hint)}`);
  if (env['ZPETL_DEBUG'] && e.stack) lines.push(redact(e.stack));
  if (!o.cwd) return lines;
  // `cwd/` is dropped where a path starts, not inside another path (/mnt/w/p/x stays whole when cwd is /w/p).
  const under = `${o.cwd.replace(/[\\/]+$/, '')}${sep}`;
  return lines.map((l) => l.split(under).reduce((kept, next) => kept + (/[\w.~/\\-]$/.test(kept) ? under : '') + next));
}

/** Prints an error to `stream` and returns the exit code it maps to. */
export function reportError(stream: OutStream, err: unknown, env: NodeJS.ProcessEnv = {}, o: ErrorPrintOptions = {}): number {
  for (const line of formatErrorLines(err, env, o)) println(stream, line);
  return exitCodeForError(toZpetlError(err));
}

/**
 * The abort reason for the first SIGINT/SIGTERM: the library stops cleanly (in-flight batches
 * recorded) and the run exits 130. Tests abort in-process runs with the same reason.
 */
export function interruptedError(signal: string): ZpetlError {
  return new ZpetlError('RUN_INTERRUPTED', `interrupted by ${signal}`, { hint: 'Run the same command again, or `zpetl resume PIPELINE`, to continue.' });
}
