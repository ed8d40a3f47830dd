import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess } from './server';
import { appNodeFlags } from './env';

/** `npm start` (the same entry point) to the first 200 on /, on an empty data dir and then again. */
export async function benchStartup(runs = 3): Promise<{ first: number; later: number[]; laterMedian: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cmh-bench-start-'));
  const once = async () => {
    const port = await freePort();
    const t0 = Date.now();
    const proc = await startProcess([...appNodeFlags(), '--import', 'tsx', 'src/main.ts'], { DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' }, 'is running at');
    try {
      for (;;) {
        const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
        if (res?.status === 200) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return Date.now() - t0;
    } finally {
      await proc.stop();
    }
  };
  try {
    const first = await once();
    const later: number[] = [];
    for (let i = 0; i < runs; i++) later.push(await once());
    const sorted = [...later].sort((a, b) => a - b);
    return { first, later, laterMedian: sorted[Math.floor(sorted.length / 2)]! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
