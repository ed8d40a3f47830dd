import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/console.ts', 'test/setup/isolation.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One process runs several test files in turn instead of a new one per file: the app's modules
    // (Fastify, Drizzle, pg-boss, PGlite) load once per worker, a third less CPU per file. Every
    // test file builds its own app and database, and no test mocks modules, so nothing is shared.
    isolate: false,
    // Two cores: more workers than that only adds contention (each PGlite is a whole PostgreSQL).
    maxWorkers: 2,
    reporters: ['default'],
  },
});
