#!/usr/bin/env node
/**
 * `sextant dashboard` on its own, until the main CLI (src/cli.ts) registers it; tests spawn this.
 */
import { Command } from 'commander';
import { registerDashboardCommand } from './command';

const program = new Command('sextant').showHelpAfterError();
registerDashboardCommand(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`sextant: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
