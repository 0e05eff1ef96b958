import type { CommandModule } from 'yargs';
import { RunFailure } from '../src/runtime/index.ts';

// Placeholder until this part is built; replaced by its owner.
export const simCommand: CommandModule = {
  command: 'sim',
  describe: '(not built yet)',
  handler: () => {
    throw new RunFailure('denpa sim is not built yet');
  },
};
