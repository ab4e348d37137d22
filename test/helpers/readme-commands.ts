/**
 * Finds the `zpetl` commands a Markdown file shows (code blocks, inline code, tables), for
 * readme-commands.test.ts: each as its arguments, with placeholders (PIPELINE, FILE, …) flagged.
 */
export interface ReadmeCommand {
  /** README line (1-based). */
  line: number;
  /** The zpetl arguments as written (shell substitutions replaced by DATE). */
  args: string[];
  /** Holds a placeholder (PIPELINE, FILE, …, <command>): checked against --help, not run. */
  placeholder: boolean;
}

const PLACEHOLDER = /^(?:…|\.\.\.|<[a-z]+>|[A-Z][A-Z_]+)$/;
/** Commands that need an argument: `zpetl run` alone in prose is a mention, not a command to run. */
const NEEDS_ARGUMENT = new Set(['run', 'resume', 'status', 'rejects', 'validate', 'export']);
/** `zpetl` followed by a command or a flag (not `cd /opt/zpetl &&`, not `Description=zpetl nightly …`). */
const COMMAND_AT = /(?:^|[\s/=])zpetl\s+((?:demo|sandbox|init|validate|run|resume|status|rejects|export|<command>|--)(?=[\s\w]|$).*)$/;

/** Splits a shell command into words: quotes kept together, `$(…)` → DATE, stops at redirections and separators. */
function words(text: string): string[] {
  const s = text.replace(/\$\([^)]*\)/g, 'DATE');
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const m of s.matchAll(re)) {
    const w = m[1] ?? m[2] ?? m[3]!;
    if (m[3] !== undefined && /^(?:\d?>>?|&&?|;|\||2>&1|\d?>\S+)$/.test(w)) break;
    out.push(w);
  }
  return out;
}

/** A command inside `sh -c '…'` ends at the closing quote. */
function insideQuotes(before: string, text: string): string {
  for (const q of ["'", '"']) {
    if ((before.split(q).length - 1) % 2 === 1 && text.includes(q)) return text.slice(0, text.indexOf(q));
  }
  return text;
}

/** Every zpetl command in a Markdown text. */
export function readmeCommands(md: string): ReadmeCommand[] {
  const found: ReadmeCommand[] = [];
  const add = (line: number, text: string) => {
    const args = words(text);
    if (args.length === 0) return;
    found.push({ line, args, placeholder: args.some((a) => PLACEHOLDER.test(a)) || (args.length === 1 && NEEDS_ARGUMENT.has(args[0]!)) });
  };
  const lines = md.split('\n');
  let fence = false;
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      fence = !fence;
      return;
    }
    if (fence) {
      // Code: a command starts after `zpetl ` (npx, /usr/bin/npx, a cron schedule or `cd … &&` before it).
      const body = raw.replace(/^\s*#.*$/, '');
      const m = COMMAND_AT.exec(body);
      if (m) add(i + 1, insideQuotes(body.slice(0, m.index), m[1]!));
      return;
    }
    for (const span of raw.matchAll(/`([^`]+)`/g)) {
      const m = COMMAND_AT.exec(span[1]!);
      if (m) add(i + 1, m[1]!);
    }
  });
  return found;
}

/**
 * The `zpetl` commands in a pipeline file's comment lines (the "run it with" headers of pipelines/*.yaml).
 */
export function commentCommands(yaml: string): ReadmeCommand[] {
  const found: ReadmeCommand[] = [];
  yaml.split('\n').forEach((raw, i) => {
    const comment = /^\s*#(.*)$/.exec(raw);
    if (!comment) return;
    // Inline code in prose (`zpetl demo`) is a mention, not a command to run.
    const m = COMMAND_AT.exec(comment[1]!.replace(/`[^`]*`/g, ''));
    if (!m) return;
    const args = words(m[1]!.replace(/\s+#.*$/, ''));
    if (args.length > 0) found.push({ line: i + 1, args, placeholder: args.some((a) => PLACEHOLDER.test(a)) });
  });
  return found;
}

/** The `npm …` commands a Markdown file shows in code blocks and inline code (`npm ci`, `npm start`, `npm run x`). */
export function npmCommands(md: string): string[] {
  const found = new Set<string>();
  const add = (text: string) => {
    for (const m of text.matchAll(/(?:^|[\s;&(`])npm\s+((?:run\s+)?[a-z][\w:-]*)/g)) found.add(`npm ${m[1]!}`);
  };
  let fence = false;
  for (const raw of md.split('\n')) {
    if (/^\s*```/.test(raw)) {
      fence = !fence;
      continue;
    }
    if (fence) add(raw.replace(/\s#.*$/, ''));
    else for (const span of raw.matchAll(/`([^`]+)`/g)) add(span[1]!);
  }
  return [...found];
}

/** The command a line runs (`export timesheets` is two words) and its flags. */
export function shape(args: string[]): { command: string; flags: string[] } {
  const command = args[0]?.startsWith('-') ? '' : args[0] === 'export' ? `export ${args[1] ?? ''}`.trim() : (args[0] ?? '');
  const flags = args.filter((a) => a.startsWith('--')).map((a) => a.replace(/=.*$/, ''));
  return { command, flags };
}

