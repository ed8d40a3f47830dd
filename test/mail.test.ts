import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { emailOutbox, mailboxMessages } from '../src/db/schema';
import { enqueueEmail, messageIdFor } from '../src/mail/outbox';
import { createSmtpTransport } from '../src/mail/smtp';
import type { Worker } from '../src/jobs/worker';
import { buildTestApp, type TestApp } from './helpers/app';
import { eventually, silentLogger } from './helpers/worker';
import { runWorker } from './helpers/scenario';
import { openPostgres } from '../src/db/client';
import { FakeSmtp } from './fakes/smtp';

let smtp: FakeSmtp;
let t: TestApp;
let workers: Worker[] = [];
let n = 0;

beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  // Long enough that a loaded machine does not time out an exchange the server completed (which
  // would legitimately deliver twice, with one Message-ID); short enough for the hanging-server test.
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2500' } });
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  smtp.mode = 'accept';
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

const worker = async (opts?: { maxAttempts?: number }) => {
  const w = await runWorker(t, opts);
  workers.push(w);
  return w;
};

async function signUp(name = 'Mail Tester') {
  const email = `mail${++n}-${Date.now()}@example.com`;
  const res = await t.agent().submit('/signup', { name, email, password: 'long enough password' });
  expect(res.statusCode).toBe(303);
  return email;
}

const outboxRow = async (email: string) => (await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, email)))[0]!;

describe('welcome email over SMTP', () => {
  it('delivers exactly one welcome email per sign-up, with text and HTML and a stable Message-ID', async () => {
    await worker();
    const email = await signUp('Wanda Welcome');
    await smtp.waitFor(() => smtp.to(email).length > 0);
    await new Promise((r) => setTimeout(r, 400)); // several more polls: nothing else may arrive
    const mails = smtp.to(email);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.parsed;
    expect(mail.subject).toBe('Welcome to CodeMentorHub');
    expect(mail.from?.value[0]).toMatchObject({ name: 'CodeMentorHub', address: 'no-reply@localhost' });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([{ name: 'Wanda Welcome', address: email }]);
    expect(mail.text).toContain('Hello Wanda Welcome,');
    expect(mail.text).toContain('http://localhost:3000/mentors');
    expect(mail.html).toContain('Welcome to CodeMentorHub!');
    const row = await outboxRow(email);
    expect(row.status).toBe('sent');
    expect(mail.messageId).toBe(messageIdFor(row.dedupeKey, t.config.mailFrom));
  });

  for (const [label, breakIt, fixIt] of [
    ['refuses connections', () => smtp.down(), () => smtp.up()],
    ['answers 451', async () => { smtp.mode = 'reject-451'; }, async () => { smtp.mode = 'accept'; }],
    ['hangs', async () => { smtp.mode = 'hang'; }, async () => { smtp.mode = 'accept'; }],
  ] as const) {
    it(`signs up at once while SMTP ${label}, and delivers once when it is back`, async () => {
      await breakIt();
      await worker();
      const email = await signUp();
      // The worker tried and failed (at least once) while the server was broken; sign-up did not wait for it.
      await eventually(async () => (await outboxRow(email)).attempts >= 1 && (await outboxRow(email)).lastError !== null);
      expect(smtp.to(email)).toHaveLength(0);
      expect((await outboxRow(email)).status).toBe('pending');
      await fixIt();
      await smtp.waitFor(() => smtp.to(email).length > 0);
      await new Promise((r) => setTimeout(r, 500));
      expect(smtp.to(email)).toHaveLength(1);
      expect((await outboxRow(email)).status).toBe('sent');
    });
  }

  it('delivers after a restart what was committed before the worker could send it', async () => {
    // No worker running: as if the process died right after the sign-up committed.
    const email = await signUp();
    expect((await outboxRow(email)).status).toBe('pending');
    await worker();
    await smtp.waitFor(() => smtp.to(email).length > 0);
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('sends every email once when two workers run at once', async () => {
    const emails: string[] = [];
    await t.database.db.transaction(async (tx) => {
      for (let i = 0; i < 30; i++) {
        const address = `bulk${i}-${Date.now()}@example.com`;
        emails.push(address);
        await enqueueEmail({ tx, dedupeKey: `test-bulk:${address}`, template: 'welcome', to: { name: `Bulk ${i}`, address }, payload: { name: `Bulk ${i}` } });
      }
    });
    // On PostgreSQL the second worker has its own pool, as a second process would.
    const other = t.database.url ? openPostgres(t.database.url, silentLogger) : t.database;
    const second = await runWorker({ config: t.config, database: other });
    await worker();
    workers.push({ wake: second.wake, stop: async () => { await second.stop(); if (other !== t.database) await other.close(); } });
    await smtp.waitFor(() => emails.every((e) => smtp.to(e).length > 0));
    await new Promise((r) => setTimeout(r, 500));
    for (const e of emails) expect(smtp.to(e), e).toHaveLength(1);
  });

  it('gives up after the attempt budget, shows the failure to admins, and Retry delivers it', async () => {
    smtp.mode = 'reject-451';
    await worker({ maxAttempts: 2 });
    const email = await signUp();
    await eventually(async () => (await outboxRow(email)).status === 'failed');
    const row = await outboxRow(email);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toContain('451');

    const admin = await t.loginAs('admin');
    const page = await admin.get('/admin/outbox?status=failed');
    expect(page.body).toContain(email);
    expect(page.body).toContain('451');
    expect(page.body).toContain(`/admin/outbox/${row.id}/retry`);

    smtp.mode = 'accept';
    const retry = await admin.submit(`/admin/outbox/${row.id}/retry`, {});
    expect(retry.statusCode).toBe(303);
    await smtp.waitFor(() => smtp.to(email).length > 0);
    // The server has the message; the worker records it as sent right after the server's answer.
    await eventually(async () => (await outboxRow(email)).status === 'sent');
    // Retrying something that is not failed changes nothing.
    await admin.submit(`/admin/outbox/${row.id}/retry`, {});
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.to(email)).toHaveLength(1);
  });
});

describe('addresses cannot be smuggled into headers', () => {
  it('a name with CR/LF and a Bcc header is refused at sign-up, and adds no recipient', async () => {
    await worker();
    const email = `mail${++n}-${Date.now()}@example.com`;
    const res = await t.agent().submit('/signup', { name: 'Eve\r\nBcc: x@evil.test', email, password: 'long enough password' });
    expect(res.statusCode).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.some((m) => m.envelopeTo.includes('x@evil.test'))).toBe(false);
    expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, email))).toEqual([]);
  });

  it('the SMTP transport keeps one recipient even when handed a raw CR/LF name', async () => {
    const transport = createSmtpTransport({ url: smtp.url, timeoutMs: 2000 });
    try {
      await transport.send({
        messageId: '<raw-name-test@localhost>', from: { name: 'CodeMentorHub', address: 'no-reply@localhost' },
        to: { name: 'Victim\r\nBcc: x@evil.test', address: 'victim@example.com' }, subject: 'Hi', text: 'Hi', html: '<p>Hi</p>',
      });
    } finally {
      await transport.close();
    }
    const mail = smtp.received.find((m) => m.parsed.messageId === '<raw-name-test@localhost>')!;
    expect(mail.envelopeTo).toEqual(['victim@example.com']);
    expect(mail.parsed.bcc).toBeUndefined();
  });

  it('an address list is refused at sign-up and by the outbox, storing nothing', async () => {
    const res = await t.agent().submit('/signup', { name: 'List', email: 'a@x.test, b@y.test', password: 'long enough password' });
    expect(res.statusCode).toBe(400);
    for (const address of ['a@x.test, b@y.test', 'a@x.test\nBcc: v@x.test', 'Name <a@x.test>']) {
      await expect(t.database.db.transaction((tx) =>
        enqueueEmail({ tx, dedupeKey: `bad:${address}`, template: 'welcome', to: { name: 'x', address }, payload: { name: 'x' } }),
      )).rejects.toThrow(/not a single valid email address/);
      expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `bad:${address}`))).toHaveLength(0);
    }
  });

  it('the same cause never queues a second email', async () => {
    const email = await signUp();
    const row = await outboxRow(email);
    await t.database.db.transaction((tx) => enqueueEmail({ tx, dedupeKey: row.dedupeKey, template: 'welcome', to: { name: 'x', address: email }, payload: { name: 'x' } }));
    expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, email))).toHaveLength(1);
  });
});

describe('the built-in mailbox (no SMTP_URL)', () => {
  it('keeps each email once and shows it, with attachments, to admins only', async () => {
    const demo = await buildTestApp({ env: {} });
    const w = await runWorker(demo);
    try {
      const email = `box${Date.now()}@example.com`;
      expect((await demo.agent().submit('/signup', { name: 'Box Tester', email, password: 'long enough password' })).statusCode).toBe(303);
      await eventually(async () => (await demo.database.db.select().from(mailboxMessages).where(eq(mailboxMessages.toAddress, email))).length === 1);
      const [stored] = await demo.database.db.select().from(mailboxMessages).where(eq(mailboxMessages.toAddress, email));
      const admin = await demo.loginAs('admin');
      expect((await admin.get('/admin/mail')).body).toContain('Welcome to CodeMentorHub');
      const detail = await admin.get(`/admin/mail/${stored!.id}`);
      expect(detail.body).toContain('Hello Box Tester,');
      const html = await admin.get(`/admin/mail/${stored!.id}/html`);
      expect(html.headers['content-security-policy']).toContain('sandbox');
      expect(html.body).toContain('Welcome to CodeMentorHub!');
      const mentee = await demo.loginAs('mentee');
      expect((await mentee.get(`/admin/mail/${stored!.id}`)).statusCode).toBe(403);

      // A redelivery of the same message (lost acknowledgement) keeps one copy; attachments download.
      const { createMailboxTransport } = await import('../src/mail/mailbox');
      const box = createMailboxTransport(demo.database.db);
      const msg = {
        messageId: '<att@localhost>', from: demo.config.mailFrom, to: { name: 'A', address: 'a@example.com' }, subject: 'With file', text: 't', html: '<p>t</p>',
        attachments: [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }],
      };
      await box.send(msg);
      await box.send(msg);
      const copies = await demo.database.db.select().from(mailboxMessages).where(eq(mailboxMessages.messageId, '<att@localhost>'));
      expect(copies).toHaveLength(1);
      const file = await admin.get(`/admin/mail/${copies[0]!.id}/attachments/0`);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toContain('text/calendar');
      expect(file.headers['content-disposition']).toContain('invite.ics');
      expect(file.body).toContain('BEGIN:VCALENDAR');
      expect((await admin.get(`/admin/mail/${copies[0]!.id}/attachments/5`)).statusCode).toBe(404);
    } finally {
      await w.stop();
      await demo.close();
    }
  });
});

it('config: the SMTP transport is chosen from SMTP_URL', () => {
  expect(loadConfig({ SMTP_URL: 'smtp://u:p@127.0.0.1:2525' }).smtp).toEqual({ url: 'smtp://u:p@127.0.0.1:2525', timeoutMs: 15_000 });
  expect(loadConfig({}).smtp).toBeUndefined();
});
