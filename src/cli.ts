import { CheckFailed, runCli, UsageError } from './cli/commands';
import { fail } from './runtime';

// `npm run cli -- …`: the commands are in cli/commands.ts; this file only prints and exits.
runCli(process.argv.slice(2)).then(
  (out) => {
    console.log(out);
    process.exit(0);
  },
  (err) => {
    if (err instanceof CheckFailed) {
      console.log(err.output);
      process.exit(1);
    }
    if (err instanceof UsageError) {
      console.error(`Error: ${err.message}`);
      process.exit(1);
    }
    fail(err);
  },
);
