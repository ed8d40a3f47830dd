import { describe, expect, it } from 'vitest';
import { allowConsoleError, consoleErrorState } from './helpers/console';

describe('console.error during a test', () => {
  it('is allowed, and readable, when the test expects it', () => {
    const logged = allowConsoleError(/^Disk on fire/);
    console.error('Disk on fire: %s', 'sda');
    expect(logged.messages()).toEqual(['Disk on fire: sda']);
  });

  it('is held against the test otherwise, even if another message was expected', () => {
    allowConsoleError(/^expected/);
    console.error('something else');
    // Taken back here so this test passes; test/setup/console.ts would have failed it at its end.
    expect(consoleErrorState.unexpected.splice(0)).toEqual(['something else']);
  });
});
