import { parseArgs } from 'node:util';
import { z } from 'zod';
import { accountFields } from '../accounts/users';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { formatReport, type CheckReport } from '../integrations/check';
import { checkMail } from '../integrations/mail';
import { checkMeetings } from '../integrations/meetings';
import { checkPayments } from '../integrations/payments';
import { recordCheck } from '../integrations/store';
import { createMailTransport } from '../mail';
import { createMeetingProvider } from '../meetings';
import { createPaymentProvider } from '../payments';
import { boot } from '../runtime';
import { CheckFailed, UsageError } from './errors';

export const CHECK_USAGE = `  npm run cli -- mail:test --to ADDRESS
  npm run cli -- meetings:test
  npm run cli -- payments:test`;

const mailTestInput = z.object({ to: accountFields.email });

/**
 * The integration checks (issue 16): each runs against the configured adapter, chosen where the
 * app chooses it, records its report for /admin/integrations, and prints one line per step. A
 * failed check throws CheckFailed (the report is printed, exit status 1). Returns null for any
 * other command.
 */
export async function runCheckCommand(command: string, rest: string[]): Promise<string | null> {
  if (command === 'mail:test') {
    let values: Record<string, string | undefined>;
    try {
      values = parseArgs({ args: rest, options: { to: { type: 'string' } }, strict: true }).values;
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0]);
    }
    if (!values.to) throw new UsageError('--to is required (the address to send the test email to)');
    const parsed = mailTestInput.safeParse(values);
    if (!parsed.success) throw new UsageError(`--to: ${parsed.error.issues[0]!.message}`);
    return runCheck(async (config, db) => {
      const transport = createMailTransport(config, db);
      try {
        return await checkMail({ config, db, transport, to: parsed.data.to });
      } finally {
        // A pooled SMTP connection would keep the process alive.
        await transport.close();
      }
    });
  }
  if (command === 'meetings:test' || command === 'payments:test') {
    if (rest.length) throw new UsageError(`${command} takes no arguments (got ${rest[0]})`);
    return runCheck((config, db) => command === 'meetings:test'
      ? checkMeetings({ config, provider: createMeetingProvider(config) })
      : checkPayments({ config, db, provider: createPaymentProvider(config) }));
  }
  return null;
}

async function runCheck(check: (config: Config, db: Db) => Promise<CheckReport>): Promise<string> {
  const { database, config } = await boot();
  let report: CheckReport;
  try {
    report = await check(config, database.db);
    await recordCheck({ db: database.db, report, source: 'cli' });
  } finally {
    await database.close();
  }
  const output = formatReport(report);
  if (!report.ok) throw new CheckFailed(output);
  return output;
}
