import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createPasswordHasher, type HashCost } from '../../src/accounts/password';
import { createUser } from '../../src/accounts/users';
import { buildApp } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { mentorProfiles, type Role } from '../../src/db/schema';
import { Agent } from '../../tools/agent';
import { createTestDatabase, type TestDatabase } from './db';
import { wakeTestWorkers } from './worker';

export { Agent };

/** Cheap scrypt for tests (the production cost is asserted in its own test). */
export const TEST_HASH_COST: HashCost = { logN: 10, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct horse battery';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  config: Config;
  /** The app's clock: real time plus whatever a test advanced it by. */
  clock: { now(): Date; advance(ms: number): void };
  agent(): Agent;
  createUser(role: Role, overrides?: { email?: string; name?: string; timezone?: string }): Promise<{ id: string; email: string }>;
  loginAs(role: Role, overrides?: { email?: string; name?: string; timezone?: string }): Promise<Agent & { user: { id: string; email: string } }>;
  close(): Promise<void>;
}

let counter = 0;

/** The whole app on a fresh database, driven through inject(): the same app main.ts serves. */
export async function buildTestApp(options: { env?: Record<string, string>; database?: TestDatabase; onWorkQueued?: () => void; logger?: FastifyBaseLogger } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    // Several test files share two cores: a slow moment is not an overload here.
    MAX_EVENT_LOOP_DELAY_MS: '0', ...options.env });
  const hasher = createPasswordHasher(TEST_HASH_COST);
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const clock = { now, advance: (ms: number) => { offset += ms; } };

  const app = await buildApp({ config, database, hasher, cookieSecret: 'test-cookie-secret-of-at-least-32-chars', now, onWorkQueued: options.onWorkQueued ?? (() => wakeTestWorkers(database)), logger: options.logger });
  await app.ready();

  const create: TestApp['createUser'] = async (role, overrides = {}) => {
    const email = overrides.email ?? `${role}${++counter}-${Date.now()}@example.com`;
    const user = await database.db.transaction(async (tx) => {
      const u = await createUser({ tx, hasher, role, input: { email, name: overrides.name ?? `Test ${role} ${counter}`, password: TEST_PASSWORD, timezone: overrides.timezone ?? 'UTC' } });
      if (u && role === 'mentor') await tx.insert(mentorProfiles).values({ userId: u.id, hourlyRateCents: 6000, headline: 'Test mentor' });
      return u;
    });
    if (!user) throw new Error(`user ${email} exists`);
    return { id: user.id, email };
  };

  return {
    app, database, config, clock,
    agent: () => new Agent(app),
    createUser: create,
    async loginAs(role, overrides) {
      const user = await create(role, overrides);
      const agent = new Agent(app);
      const res = await agent.submit('/login', { email: user.email, password: TEST_PASSWORD });
      if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
      return Object.assign(agent, { user });
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
