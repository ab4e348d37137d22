/**
 * Builds the `zpetl` command line and runs one invocation. No business logic lives here: each command
 * parses, calls the library and renders. Returns the process exit code (see exit-codes.ts).
 */
import yargs from 'yargs';
import { ZpetlError } from '../core/errors.js';
import { VERSION } from '../version.js';
import type { CliCommand } from './command.js';
import { COMMANDS } from './commands/index.js';
import { reportError } from './errors.js';
import { println, type CliIo } from './io.js';

const EPILOGUE = `Exit codes: 0 ok, 1 fatal, 2 invalid usage/config/pipeline, 3 finished with rejects, 4 outside the off-peak window, 130 interrupted (resume continues).
Environment: ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ZOHO_PORTAL_ID, ZOHO_DC (or ZOHO_API_URL/ZOHO_ACCOUNTS_URL); a .env file in the working directory is read.
Docs: README.md (quick start, real Zoho setup, the three jobs, troubleshooting).`;

export async function runCli(argv: string[], io: CliIo, commands: CliCommand[] = COMMANDS): Promise<number> {
  let exitCode = 0;
  const width = io.stdout.columns ? Math.min(110, io.stdout.columns) : 100;
  let parser = yargs(argv, io.cwd)
    .scriptName('zpetl')
    .usage('$0 <command> [options]\n\nMove data into and out of Zoho Projects (V3): migrations, dry-run reports, payroll exports.')
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .recommendCommands()
    .demandCommand(1, `name a command: ${commands.map(commandName).join(', ')}`)
    .exitProcess(false)
    .wrap(width)
    .fail((msg, err) => {
      if (err) throw err;
      throw usageError(msg ?? 'invalid usage', argv, commands);
    })
    .example('$0 demo', 'The demo: migration + payroll export on a sandbox')
    .example('$0 sandbox --port 8080 > sandbox.env', 'A local Zoho emulator; its first lines are an env file')
    .example('$0 init --from export.csv --entity task', 'A commented starter pipeline for a CSV')
    .example('$0 export timesheets --period yesterday --tz UTC --out p.csv', 'Approved hours to a payroll CSV')
    .epilogue(EPILOGUE);
  for (const c of commands) {
    parser = parser.command(c.command, c.describe, c.builder, async (args) => {
      exitCode = await c.run(args as Record<string, unknown>, io);
    });
  }
  try {
    // With a callback yargs hands --help/--version text here instead of console.log: all output goes through io.
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      if (output) println(io.stdout, output);
    });
  } catch (e) {
    const usage = e instanceof ZpetlError && e.code === 'USAGE_INVALID';
    exitCode = reportError(io.stderr, e, io.env, { cwd: io.cwd, ...(usage ? { fallbackHint: helpHint(namedCommand(argv, commands).cmd) } : {}) });
  }
  return exitCode;
}

/** A command's name: the first word of its yargs command string (`run` of `run <pipeline>`). */
const commandName = (c: CliCommand): string => c.command.split(' ')[0]!;

/** The first word of `argv` that is not a flag, and the command of that name if there is one. */
function namedCommand(argv: string[], commands: CliCommand[]): { first: string | undefined; cmd: CliCommand | undefined } {
  const first = argv.find((a) => !a.startsWith('-'));
  return { first, cmd: commands.find((c) => commandName(c) === first) };
}

/**
 * yargs' usage messages, said in the command's terms: which command, what is missing or unknown,
 * and the `--help` to read (that command's when one was named).
 */
function usageError(msg: string, argv: string[], commands: CliCommand[]): ZpetlError {
  const { first, cmd } = namedCommand(argv, commands);
  let message = msg;
  const missing = /^Not enough non-option arguments/.exec(msg);
  if (missing && cmd) {
    const wanted = cmd.command.match(/<[^>]+>/g) ?? [];
    message = `missing ${wanted.join(' ')}: zpetl ${cmd.command} [options]`;
  } else if (first !== undefined && !cmd && /^Unknown argument/.test(msg) && msg.includes(first)) {
    message = `unknown command "${first}": one of ${commands.map(commandName).join(', ')}`;
  }
  return new ZpetlError('USAGE_INVALID', message, { hint: helpHint(cmd) });
}

/** `Run \`zpetl CMD --help\` …` for the command named (the general help when none). */
function helpHint(cmd: CliCommand | undefined): string {
  const help = cmd ? `zpetl ${cmd.command.replace(/\s*[<[].*$/, '')} --help` : 'zpetl --help';
  return `Run \`${help}\` for the options and examples.`;
}
