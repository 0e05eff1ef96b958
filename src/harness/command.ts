import type { CommandModule } from 'yargs';
import { RunFailure } from '../runtime/index.ts';

// Placeholders until the harness is built; replaced by its owner.
const notYet = (command: string): CommandModule => ({
  command,
  describe: '(not built yet)',
  handler: () => {
    throw new RunFailure(`denpa ${command.split(' ')[0]} is not built yet`);
  },
});
export const runCommand = notYet('run <scenario>');
export const gateCommand = notYet('gate');
export const capacityCommand = notYet('capacity <scenario>');
export const reportCommand = notYet('report <run-dir>');
