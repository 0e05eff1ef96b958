import type { CommandModule } from 'yargs';
import { RunFailure } from '../runtime/index.ts';

// Placeholder until this part is built; replaced by its owner.
export const coreCommand: CommandModule = {
  command: 'core',
  describe: '(not built yet)',
  handler: () => {
    throw new RunFailure('denpa core is not built yet');
  },
};
