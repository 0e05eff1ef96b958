import type { CommandModule } from 'yargs';
import { RunFailure } from '../../runtime/index.ts';

// Placeholder until this part is built; replaced by its owner.
export const k6Command: CommandModule = {
  command: 'k6',
  describe: '(not built yet)',
  handler: () => {
    throw new RunFailure('denpa k6 is not built yet');
  },
};
