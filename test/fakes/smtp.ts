import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpMode = 'accept' | 'reject-451' | 'hang';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on 127.0.0.1, read back with mailparser. It can accept, answer 451 (try later),
 * hang after connect, or be down (connections refused) and come back on the same port.
 */
export class FakeSmtp {
  received: ReceivedMail[] = [];
  mode: SmtpMode = 'accept';
  port = 0;
  private server?: SMTPServer;
  private hung = new Set<() => void>();

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
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
      onRcptTo: (_address, _session, callback) => {
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
