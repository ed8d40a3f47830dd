import { afterAll, vi } from 'vitest';

// Test files share a worker process (isolate: false): whatever a file faked or stubbed and did not
// undo ends with the file, so the next file starts on the real clock, functions and environment.
afterAll(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});
