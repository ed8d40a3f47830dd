interface ConsoleErrorState {
  /** What the current test said it expects, if anything. */
  allowed: RegExp | null;
  /** Expected messages the current test logged. */
  seen: string[];
  /** Messages nobody expected, reported (and failing) at the end of the test or file. */
  unexpected: string[];
}

// One per process, whichever copy of this module a test file or the setup file loaded.
const key = Symbol.for('codementorhub.console-error-state');
const host = globalThis as typeof globalThis & { [key]?: ConsoleErrorState };
host[key] ??= { allowed: null, seen: [], unexpected: [] };
export const consoleErrorState: ConsoleErrorState = host[key];

/**
 * Says that the current test expects console.error (only messages matching `pattern`, if given;
 * any other still fails the test). Returns what was logged, so the test can assert on it too.
 */
export function allowConsoleError(pattern: RegExp = /^/): { messages(): string[] } {
  consoleErrorState.allowed = pattern;
  return { messages: () => [...consoleErrorState.seen] };
}
