import { format } from 'node:util';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { consoleErrorState } from '../helpers/console';

/**
 * A console.error during a test fails that test, unless the test said it expects one
 * (allowConsoleError). An error nobody looks at is a bug nobody sees; one that a test provokes on
 * purpose is still printed, so the output shows what a person running the app would see.
 */
// Installed once per worker process: test files may share one (vitest runs with isolate: false).
const installed = Symbol.for('codementorhub.console-error-guard');
const host = console as Console & { [installed]?: true };
if (!host[installed]) {
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const text = format(...args);
    if (consoleErrorState.allowed?.test(text)) consoleErrorState.seen.push(text);
    else consoleErrorState.unexpected.push(text);
    original(...args);
  };
  host[installed] = true;
}

beforeEach(() => {
  consoleErrorState.allowed = null;
  consoleErrorState.seen = [];
});

afterEach(() => {
  consoleErrorState.allowed = null;
  const logged = consoleErrorState.unexpected.splice(0);
  if (logged.length) throw new Error(`console.error was called during this test or before it (use allowConsoleError() if it is expected):\n${logged.join('\n')}`);
});

// Outside any test (a beforeAll, an afterAll, a background timer after the last test): fail the file.
afterAll(() => {
  const logged = consoleErrorState.unexpected.splice(0);
  if (logged.length) throw new Error(`console.error was called outside a test:\n${logged.join('\n')}`);
});
