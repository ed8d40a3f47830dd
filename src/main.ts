import { createPasswordHasher } from './accounts/password';
import { resolveCookieSecret } from './accounts/secret';
import { buildApp } from './app';
import { DEMO_PASSWORD, isDatabaseEmpty, seedDemoData, DEMO_LOGINS } from './demo/seed';
import { startWorker } from './jobs/worker';
import { createMailTransport } from './mail';
import { createMeetingProvider } from './meetings';
import { createPaymentProvider } from './payments';
import { boot, fail } from './runtime';

async function main() {
  const startedAt = Date.now();
  const { config, logger, database } = await boot();
  const hasher = createPasswordHasher();

  let seeded = false;
  if (config.demoSeed && (await isDatabaseEmpty(database.db))) {
    await seedDemoData({ db: database.db, hasher, meetingProvider: config.meetings.provider });
    seeded = true;
  }
  const cookieSecret = await resolveCookieSecret(database.db, config.sessionSecret);
  // Each adapter is chosen once, here, from the config.
  const payments = createPaymentProvider(config);
  const meetings = createMeetingProvider(config);
  const worker = config.runWorker
    ? await startWorker({ config, database, transport: createMailTransport(config, database.db), payments, meetings, logger })
    : null;
  const app = await buildApp({ config, database, hasher, cookieSecret, logger, payments, meetings, onWorkQueued: worker?.wake });
  await app.listen({ port: config.port, host: config.host });

  console.log(`\nCodeMentorHub is running at ${config.appUrl} (ready in ${Date.now() - startedAt} ms)`);
  console.log(`Database: ${database.kind === 'pglite' ? `embedded (${config.dataDir})` : 'PostgreSQL'} · mail: ${config.smtp ? 'SMTP' : 'built-in mailbox at /admin/mail'} · payments: ${config.payments.provider} · meetings: ${config.meetings.provider}`);
  if (config.demoSeed) {
    console.log(`${seeded ? 'Demo data created. Demo' : 'Demo'} logins (password "${DEMO_PASSWORD}"):`);
    for (const l of DEMO_LOGINS) console.log(`  ${l.role.padEnd(6)}  ${l.email}`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    // Fastify stops accepting, finishes in-flight requests, then we stop the worker and the pool.
    await app.close();
    await worker?.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch(fail);
