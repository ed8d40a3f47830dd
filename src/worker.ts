import { startWorker } from './jobs/worker';
import { createMailTransport } from './mail';
import { boot, fail } from './runtime';

/** `npm run worker`: the background worker on its own (run the app with RUN_WORKER=false). */
async function main() {
  const { config, logger, database } = await boot();
  const worker = await startWorker({ config, database, transport: createMailTransport(config, database.db), logger });
  logger.info('worker started');
  console.log('CodeMentorHub worker is running');
  const stop = async () => {
    await worker.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch(fail);
