import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('the directory\'s rate filter', () => {
  it('takes a ceiling beyond any stored rate (past the database integer) as no ceiling, not an error', async () => {
    await t.createUser('mentor', { name: 'Ada Ceiling' });
    for (const max of ['2147483622', '9999999999', '1e300']) {
      const res = await t.agent().get(`/mentors?max=${max}`);
      expect(res.statusCode, max).toBe(200);
      expect(res.body, max).toContain('Ada Ceiling');
    }
    // Longer than any amount a person would type: refused with a reason, like any over-long parameter.
    expect((await t.agent().get('/mentors?max=99999999999999')).statusCode).toBe(400);
    // A real ceiling still filters: the test mentor's rate is 60.00.
    expect((await t.agent().get('/mentors?max=59')).body).not.toContain('Ada Ceiling');
    expect((await t.agent().get('/mentors?max=60')).body).toContain('Ada Ceiling');
  });
});
