/** `zpetl` run in this process (no child, no build): the exit code and what it wrote to stdout and stderr. */
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';

export async function cliInProcess(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env,
    cwd,
    signal: new AbortController().signal,
    now: () => Date.now(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
