import { z } from 'zod';
import { defineJob, SWEEP_POLICY } from '../definition';

/** The data version's rows of backends that have gone are folded into one (src/db/data-version.ts). */
export const foldDataVersionsJob = defineJob({
  name: 'db.fold-data-versions',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '*/15 * * * *',
  handler: async (_data, run) => {
    const { foldDataVersions } = await import('../../db/data-version');
    await foldDataVersions({ db: run.db });
  },
});
