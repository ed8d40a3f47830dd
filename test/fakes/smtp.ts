import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpMode = 'accept' | 'reject-451' | 'hang' | 'relay-denied' | 'sender-refused';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on 127.0.0.1, read back with mailparser. It can accept, answer 451 (try later),
 * hang after connect, refuse to relay (550 to RCPT TO) or refuse the sender (554 to MAIL FROM), or be
 * down (connections refused) and come back on the same port. With `login` set it requires AUTH, as a
 * provider does: other credentials get 535, and mail without a login gets 530.
 */
export class FakeSmtp {
  received: ReceivedMail[] = [];
  mode: SmtpMode = 'accept';
  /** The only credentials accepted; undefined: no login needed (any offered is accepted). */
  login?: { user: string; pass: string };
  /** Every AUTH attempt, in order, and whether it passed. */
  logins: { user: string; ok: boolean }[] = [];
  port = 0;
  private server?: SMTPServer;
  private hung = new Set<() => void>();

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      // AUTH over plain text: the test server has no certificate (STARTTLS is off).
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 200,
      onConnect: (_session, callback) => {
        if (this.mode === 'hang') {
          // Never answer the greeting; released at stop() so the process can exit.
          this.hung.add(() => callback(new Error('closing')));
          return;
        }
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const ok = !this.login || (auth.username === this.login.user && auth.password === this.login.pass);
        this.logins.push({ user: auth.username ?? '', ok });
        if (!ok) return callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
        callback(null, { user: auth.username });
      },
      onMailFrom: (_address, session, callback) => {
        if (this.login && !session.user) return callback(Object.assign(new Error('5.7.0 Authentication required'), { responseCode: 530 }));
        if (this.mode === 'sender-refused') {
          return callback(Object.assign(new Error('5.7.1 Sender address rejected: not owned by the authenticated user'), { responseCode: 554 }));
        }
        callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === 'relay-denied') return callback(Object.assign(new Error('5.7.1 Relaying denied'), { responseCode: 550 }));
        if (this.mode === 'reject-451') {
          const err = Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 });
          return callback(err);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            this.received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed });
            callback();
          },
          (err) => callback(err as Error),
        );
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  /** Connections refused from now on (the port is closed). */
  async down(): Promise<void> {
    await this.stop();
  }

  /** Back on the same port. */
  async up(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    for (const release of this.hung) release();
    this.hung.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.envelopeTo.includes(address));
  }

  async waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for mail; received ${this.received.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
