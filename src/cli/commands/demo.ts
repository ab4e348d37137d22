/**
 * `zpetl demo` (what `npm start` runs): starts a seeded sandbox in-process and shows how to use it.
 */
import { z } from 'zod';
import { createSandbox, formatEnvLines } from '../../sandbox/index.js';
import { parseArgs } from '../args.js';
import type { CliCommand } from '../command.js';
import { println } from '../io.js';

const Args = z.object({ timeScale: z.number().positive() });

export const demoCommand: CliCommand = {
  command: 'demo',
  describe: 'Run the demo on an in-process sandbox (what `npm start` runs)',
  builder: (y) =>
    y
      .option('time-scale', { type: 'number', default: 60, describe: 'Sandbox time runs N× faster' })
      .example('$0 demo', 'Start a seeded sandbox and show how to use it'),
  async run(argv, io) {
    const a = parseArgs(Args, argv);
    const sandbox = await createSandbox({ port: 0, seed: 'demo', timeScale: a.timeScale });
    try {
      println(io.stdout, `A seeded Zoho Projects sandbox is running at ${sandbox.baseUrl} (time ×${a.timeScale}). Its client environment:`);
      println(io.stdout);
      println(io.stdout, formatEnvLines(sandbox));
      println(io.stdout);
      println(io.stdout, 'To keep one running and point zpetl at it:');
      println(io.stdout, '  npx zpetl sandbox --port 8080 > sandbox.env &');
      println(io.stdout, '  set -a; . ./sandbox.env; set +a');
      println(io.stdout, `  curl -s -X POST "$ZOHO_ACCOUNTS_URL/oauth/v2/token" -d grant_type=refresh_token \\`);
      println(io.stdout, '    -d client_id=$ZOHO_CLIENT_ID -d client_secret=$ZOHO_CLIENT_SECRET -d refresh_token=$ZOHO_REFRESH_TOKEN');
    } finally {
      await sandbox.close();
    }
    return 0;
  },
};
