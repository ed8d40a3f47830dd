import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckFailed, runCli, UsageError } from '../src/cli/commands';
import { loadConfig, type Config } from '../src/config';
import { openConfiguredDatabase } from '../src/db/open';
import { emailOutbox, integrationChecks, mailboxMessages } from '../src/db/schema';
import { formatReport, type CheckReport } from '../src/integrations/check';
import { checkMail } from '../src/integrations/mail';
import { recordCheck } from '../src/integrations/store';
import { findLatestJob } from '../src/jobs/queue';
import { createMailTransport } from '../src/mail';
import { deliverDueEmails } from '../src/mail/deliver';
import { createEmptyPostgresDatabase, createTestDatabase, onPostgres, type TestDatabase } from './helpers/db';
import { startTestWorker } from './helpers/worker';
import { FakeSmtp } from './fakes/smtp';

// The password the tests put in SMTP_URL: it must never appear in what the check prints or stores.
const PASSWORD = 'Pa55-never-printed-7f3c';
const WRONG = 'wrong-secret-91ab';
const TO = 'operator@example.com';

let smtp: FakeSmtp;
let database: TestDatabase;

beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  database = await createTestDatabase();
});
afterEach(() => {
  smtp.mode = 'accept';
  smtp.login = undefined;
});
afterAll(async () => {
  await database.close();
  await smtp.stop();
});

function configWith(env: Record<string, string>): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
}

/** SMTP_URL with the user `checker` and this password. */
const smtpUrl = (pass: string, scheme = 'smtp') => `${scheme}://checker:${encodeURIComponent(pass)}@127.0.0.1:${smtp.port}`;

/** The check as the CLI runs it, on this file's database: the report, what it prints, and the transport closed. */
async function runCheck(env: Record<string, string>): Promise<{ report: CheckReport; output: string; emailId: string }> {
  const config = configWith(env);
  const transport = createMailTransport(config, database.db);
  try {
    const report = await checkMail({ config, db: database.db, transport, to: TO });
    await recordCheck({ db: database.db, report, source: 'cli' });
    const emailId = /email ([0-9a-f-]{36}) to/.exec(formatReport(report))?.[1] ?? '';
    return { report, output: formatReport(report), emailId };
  } finally {
    await transport.close();
  }
}

const outboxRow = async (id: string) => (await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;

/** What the check stored for the Integrations page: it must hold no password either. */
async function latestStored(): Promise<string> {
  const [row] = await database.db.select().from(integrationChecks).orderBy(desc(integrationChecks.finishedAt)).limit(1);
  return JSON.stringify(row);
}

async function expectNoSecret(output: string, emailId: string) {
  for (const secret of [PASSWORD, WRONG, encodeURIComponent(PASSWORD)]) {
    expect(output).not.toContain(secret);
    expect(await latestStored()).not.toContain(secret);
    if (emailId) expect((await outboxRow(emailId)).lastError ?? '').not.toContain(secret);
  }
}

/** The relay job of the check's email is done, and a later run of due jobs sends nothing more. */
async function expectDeliveredOnce(emailId: string) {
  const job = await findLatestJob(database.db, 'mail.deliver', emailId);
  expect(job?.state).toBe('completed');
  const config = configWith({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
  const transport = createMailTransport(config, database.db);
  try {
    const later = new Date(Date.now() + 86_400_000);
    const result = await deliverDueEmails({ db: database.db, transport, from: config.mailFrom, appUrl: config.appUrl, now: () => later });
    expect(result.sent).toBe(0);
  } finally {
    await transport.close();
  }
}

describe('checkMail against a real SMTP server', () => {
  it('sends the test email through the outbox once, and prints the server\'s answer', async () => {
    smtp.login = { user: 'checker', pass: PASSWORD };
    const before = smtp.received.length;
    const { report, output, emailId } = await runCheck({ SMTP_URL: smtpUrl(PASSWORD), SMTP_TIMEOUT_MS: '2000' });

    expect(report.ok, output).toBe(true);
    const lines = output.split('\n');
    expect(lines[0]).toBe(`✓ Transport: SMTP smtp://checker:…@127.0.0.1:${smtp.port} (from MAIL_FROM CodeMentorHub <no-reply@localhost>)`);
    expect(lines[1]).toBe(`✓ Queued in the outbox: email ${emailId} to ${TO}`);
    expect(lines[2]).toMatch(/^✓ SMTP server accepted the message: 250 OK: message queued$/);
    expect(lines[3]).toBe('Mail works: the SMTP server accepted the test email.');
    expect(smtp.logins).toContainEqual({ user: 'checker', ok: true });

    expect(smtp.received.length).toBe(before + 1);
    const mail = smtp.received.at(-1)!;
    expect(mail.envelopeTo).toEqual([TO]);
    expect(mail.parsed.subject).toBe('CodeMentorHub test email');
    expect(mail.parsed.to && !Array.isArray(mail.parsed.to) ? mail.parsed.to.value.map((v) => v.address) : []).toEqual([TO]);
    expect(mail.parsed.text).toContain('sent to check CodeMentorHub\'s mail settings');
    expect(mail.parsed.text).toContain('It needs no action');

    const row = await outboxRow(emailId);
    expect(row).toMatchObject({ template: 'mail-test', status: 'sent', attempts: 1, lastError: null, toAddress: TO });
    expect(mail.parsed.messageId).toBe(row.messageId);
    await expectDeliveredOnce(emailId);
    expect(smtp.received.length).toBe(before + 1);
    await expectNoSecret(output, emailId);
  });

  it('is not sent a second time by a worker running alongside', async () => {
    const config = configWith({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
    const worker = await startTestWorker(config, database);
    try {
      const before = smtp.received.length;
      const { report, output, emailId } = await runCheck({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
      expect(report.ok, output).toBe(true);
      worker.wake();
      // Several polls of the worker: the email's relay job was claimed by the check, so nothing more arrives.
      await new Promise((r) => setTimeout(r, 1500));
      expect(smtp.received.length).toBe(before + 1);
      expect((await outboxRow(emailId)).attempts).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('refused login: the 535 line and the SMTP_URL user/password hint, the row failed with the answer', async () => {
    smtp.login = { user: 'checker', pass: PASSWORD };
    const before = smtp.received.length;
    const { report, output, emailId } = await runCheck({ SMTP_URL: smtpUrl(WRONG), SMTP_TIMEOUT_MS: '2000' });

    expect(report.ok).toBe(false);
    const lines = output.split('\n');
    expect(lines[0]).toBe(`✓ Transport: SMTP smtp://checker:…@127.0.0.1:${smtp.port} (from MAIL_FROM CodeMentorHub <no-reply@localhost>)`);
    expect(lines[2]).toBe(`✗ Sending the test email: 127.0.0.1:${smtp.port} refused the login, answering "535 5.7.8 Authentication credentials invalid". Check the user and password in SMTP_URL.`);
    expect(lines.at(-1)).toBe('Mail does not work: sending the test email failed.');
    expect(smtp.received.length).toBe(before);

    const row = await outboxRow(emailId);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('535 5.7.8 Authentication credentials invalid');
    await expectDeliveredOnce(emailId);
    expect(smtp.received.length).toBe(before);
    await expectNoSecret(output, emailId);
  });

  it('no login where the server requires one: says to put it in SMTP_URL', async () => {
    smtp.login = { user: 'checker', pass: PASSWORD };
    const { report, output } = await runCheck({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
    expect(report.ok).toBe(false);
    expect(output).toContain(`✗ Sending the test email: 127.0.0.1:${smtp.port} requires a login, answering "530 5.7.0 Authentication required". Put the user and password in SMTP_URL`);
  });

  it('a hanging server: a timeout line naming host:port and SMTP_TIMEOUT_MS, bounded', async () => {
    smtp.mode = 'hang';
    const { report, output, emailId } = await runCheck({ SMTP_URL: smtpUrl(PASSWORD), SMTP_TIMEOUT_MS: '300' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[2]).toBe(`✗ Sending the test email: No answer from 127.0.0.1:${smtp.port} within 0.3 s. Check SMTP_URL's host and port, and that this server may connect to it (SMTP_TIMEOUT_MS).`);
    expect((await outboxRow(emailId)).status).toBe('failed');
    await expectNoSecret(output, emailId);
  });

  it('relay denied (550 to RCPT TO): the server\'s line and the MAIL_FROM hint', async () => {
    smtp.mode = 'relay-denied';
    const { report, output, emailId } = await runCheck({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[2]).toBe('✗ Sending the test email: the server refused the recipient, answering "550 5.7.1 Relaying denied". The server refused to relay: check MAIL_FROM is an address this account may send from, and the recipient.');
    const row = await outboxRow(emailId);
    expect(row.status).toBe('failed');
    expect(row.lastError).toContain('550 5.7.1 Relaying denied');
  });

  it('sender refused (554 to MAIL FROM): the server\'s line and the MAIL_FROM hint', async () => {
    smtp.mode = 'sender-refused';
    const { report, output } = await runCheck({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000', MAIL_FROM: 'Mentors <mentors@example.org>' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[0]).toContain('(from MAIL_FROM Mentors <mentors@example.org>)');
    expect(output.split('\n')[2]).toBe('✗ Sending the test email: the server refused the sender, answering "554 5.7.1 Sender address rejected: not owned by the authenticated user". The server refused to relay: check MAIL_FROM is an address this account may send from, and the recipient.');
  });

  it('a temporary refusal (451): says to try later', async () => {
    smtp.mode = 'reject-451';
    const { report, output } = await runCheck({ SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[2]).toMatch(/^✗ Sending the test email: the server refused for now, answering "451 Temporary failure, try again later"\. Try again later;/);
  });

  it('TLS expected where the server speaks plain SMTP: the smtps:// / smtp:// hint', async () => {
    const { report, output } = await runCheck({ SMTP_URL: smtpUrl(PASSWORD, 'smtps'), SMTP_TIMEOUT_MS: '2000' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[2]).toMatch(new RegExp(`^✗ Sending the test email: the TLS connection to 127\\.0\\.0\\.1:${smtp.port} failed: .+\\. Check SMTP_URL: smtps:// is for port 465, smtp:// \\(STARTTLS\\) for 587/25\\.$`));
    await expectNoSecret(output, '');
  });

  it('nothing listening: connection refused, with the host and port', async () => {
    const closed = await new FakeSmtp().start();
    const port = closed.port;
    await closed.stop();
    const { report, output } = await runCheck({ SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_TIMEOUT_MS: '2000' });
    expect(report.ok).toBe(false);
    expect(output.split('\n')[2]).toBe(`✗ Sending the test email: 127.0.0.1:${port} refused the connection: nothing accepts mail there. Check SMTP_URL's host and port, and that the mail server is running.`);
  });

  it('without SMTP_URL: kept in the built-in mailbox, and the summary says mail does not leave the server', async () => {
    const { report, output, emailId } = await runCheck({});
    expect(report.ok, output).toBe(true);
    expect(output.split('\n')).toEqual([
      '✓ Transport: the built-in mailbox (SMTP_URL is not set): the email is kept in /admin/mail and nothing leaves the server',
      `✓ Queued in the outbox: email ${emailId} to ${TO}`,
      '✓ Kept in the built-in mailbox: admins read it at /admin/mail',
      'Mail is not delivered outside: the test email is in the built-in mailbox at /admin/mail. Set SMTP_URL to send real email.',
    ]);
    const row = await outboxRow(emailId);
    expect(row.status).toBe('sent');
    const kept = await database.db.select().from(mailboxMessages).where(eq(mailboxMessages.messageId, row.messageId!));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ subject: 'CodeMentorHub test email', toAddress: TO });
    await expectDeliveredOnce(emailId);
  });
});

describe('npm run cli -- mail:test', () => {
  const dirs: string[] = [];
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmh-mail-check-'));
    dirs.push(dir);
    env = { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'data'), DATABASE_URL: '' };
    if (onPostgres) {
      const pgDb = await createEmptyPostgresDatabase();
      drop = pgDb.drop;
      env.DATABASE_URL = pgDb.url;
    }
  });
  afterAll(async () => {
    await drop?.();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** runCli in this process, with this environment (as boot() reads it). */
  async function cli(args: string[], extra: Record<string, string>): Promise<string | Error> {
    for (const [name, value] of Object.entries({ ...env, SMTP_URL: '', SMTP_TIMEOUT_MS: '', ...extra })) vi.stubEnv(name, value);
    try {
      return await runCli(args);
    } catch (err) {
      return err as Error;
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it.each([
    ['no --to', ['mail:test'], /^--to is required/],
    ['an address list', ['mail:test', '--to', 'a@example.com, b@example.com'], /^--to: Enter one valid email address/],
    ['a header injection', ['mail:test', '--to', 'a@example.com\nBcc: v@example.com'], /^--to: /],
    ['an unknown flag', ['mail:test', '--to', TO, '--cc', 'x@example.com'], /Unknown option '--cc'/],
  ])('refuses %s with one line', async (_label, args, pattern) => {
    const refusal = await cli(args, {});
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as Error).message).toMatch(pattern);
    expect((refusal as Error).message).not.toContain('\n');
  });

  it('lists mail:test in the usage', async () => {
    expect(await runCli(['help'])).toContain('npm run cli -- mail:test --to ADDRESS');
  });

  it('accepting, refusing and hanging servers: the printed lines, the failure, and each check recorded', async () => {
    smtp.login = { user: 'checker', pass: PASSWORD };
    const accepted = await cli(['mail:test', '--to', 'Operator@Example.com'], { SMTP_URL: smtpUrl(PASSWORD), SMTP_TIMEOUT_MS: '2000' });
    expect(typeof accepted, String(accepted)).toBe('string');
    expect(accepted).toMatch(/^✓ SMTP server accepted the message: 250 /m);
    expect(accepted).toMatch(/^Mail works: the SMTP server accepted the test email\.$/m);
    expect(smtp.to(TO).at(-1)?.parsed.subject).toBe('CodeMentorHub test email');

    const refused = await cli(['mail:test', '--to', TO], { SMTP_URL: smtpUrl(WRONG), SMTP_TIMEOUT_MS: '2000' });
    expect(refused).toBeInstanceOf(CheckFailed);
    const refusedOutput = (refused as CheckFailed).output;
    expect(refusedOutput).toContain('refused the login, answering "535 5.7.8 Authentication credentials invalid". Check the user and password in SMTP_URL.');
    expect(refusedOutput.split('\n').at(-1)).toBe('Mail does not work: sending the test email failed.');

    smtp.login = undefined;
    smtp.mode = 'hang';
    const hung = await cli(['mail:test', '--to', TO], { SMTP_URL: smtpUrl(PASSWORD), SMTP_TIMEOUT_MS: '300' });
    expect(hung).toBeInstanceOf(CheckFailed);
    expect((hung as CheckFailed).output).toContain(`No answer from 127.0.0.1:${smtp.port} within 0.3 s. Check SMTP_URL's host and port, and that this server may connect to it (SMTP_TIMEOUT_MS).`);

    for (const out of [accepted as string, refusedOutput, (hung as CheckFailed).output]) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(WRONG);
    }
    const opened = await openConfiguredDatabase(loadConfig(env), { warn() {}, error() {} });
    try {
      const checks = await opened.db.select().from(integrationChecks).orderBy(integrationChecks.finishedAt);
      expect(checks.map((c) => [c.integration, c.source, c.ok])).toEqual([['mail', 'cli', true], ['mail', 'cli', false], ['mail', 'cli', false]]);
      expect(JSON.stringify(checks)).not.toContain(PASSWORD);
      expect(JSON.stringify(checks)).not.toContain(WRONG);
      const rows = await opened.db.select().from(emailOutbox).orderBy(emailOutbox.createdAt);
      expect(rows.map((r) => [r.template, r.status, r.attempts])).toEqual([['mail-test', 'sent', 1], ['mail-test', 'failed', 1], ['mail-test', 'failed', 1]]);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('as a command: a refused login prints the steps and exits 1, promptly, without the password', async () => {
    smtp.login = { user: 'checker', pass: PASSWORD };
    // Not spawnSync: the SMTP server answering it runs in this process.
    const run = await spawnCli(['mail:test', '--to', TO], { ...env, SMTP_URL: smtpUrl(WRONG), SMTP_TIMEOUT_MS: '2000' });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(`✓ Transport: SMTP smtp://checker:…@127.0.0.1:${smtp.port}`);
    expect(run.stdout).toContain('✗ Sending the test email: ');
    expect(run.stdout).toContain('"535 5.7.8 Authentication credentials invalid". Check the user and password in SMTP_URL.');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('Mail does not work: sending the test email failed.');
    expect(run.stdout + run.stderr).not.toContain(WRONG);
    expect(run.stderr.trim()).toBe('');
  }, 90_000);
});

/** `npm run cli -- …` without npm, as a child process; killed if it has not exited after a minute. */
function spawnCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
