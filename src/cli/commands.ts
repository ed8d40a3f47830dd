import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createPasswordHasher } from '../accounts/password';
import { accountFields, createUser, fieldErrors, strongPassword } from '../accounts/users';
import { isTimeZone } from '../config';
import { userRole } from '../db/schema';
import { createMentorProfile } from '../mentors/profile';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemoData } from '../demo/seed';
import { createPaidSession, operatorSessionInput } from '../booking/operator';
import { boot } from '../runtime';
import { CHECK_USAGE, runCheckCommand } from './checks';
import { CheckFailed, UsageError } from './errors';

export { CheckFailed, UsageError };

const USAGE = `Usage:
  npm run cli -- user:create --role admin|mentor|mentee --email E --password P --name "N" [--timezone Europe/Berlin]
  npm run cli -- session:create --mentor EMAIL --mentee EMAIL --start 2026-12-01T14:00:00Z --duration 60
  npm run cli -- db:migrate
  npm run cli -- demo:seed
${CHECK_USAGE}`;

const userCreateInput = z.object({
  role: z.enum(userRole.enumValues, { message: 'must be admin, mentor or mentee' }),
  ...accountFields,
  timezone: z.string().optional().refine((v) => v === undefined || isTimeZone(v), 'must be an IANA time zone such as Europe/Berlin'),
}).superRefine(strongPassword((v) => ({ name: v.name, email: v.email })));

/** One command line, run: what to print on success; a UsageError for bad input (checked before the database is opened). */
export async function runCli(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') return USAGE;

  if (command === 'user:create') {
    let values: Record<string, string | undefined>;
    try {
      values = parseArgs({
        args: rest,
        options: { role: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, timezone: { type: 'string' } },
        strict: true,
      }).values;
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0]);
    }
    for (const required of ['role', 'email', 'password', 'name']) {
      if (!values[required]) throw new UsageError(`--${required} is required`);
    }
    const parsed = userCreateInput.safeParse(values);
    if (!parsed.success) {
      const [field, message] = Object.entries(fieldErrors(parsed.error))[0]!;
      throw new UsageError(`--${field}: ${message}`);
    }
    const input = { ...parsed.data, timezone: parsed.data.timezone ?? 'UTC' };
    const { database } = await boot();
    try {
      const hasher = createPasswordHasher();
      const user = await database.db.transaction(async (tx) => {
        const created = await createUser({ tx, hasher, input, role: input.role });
        // A mentor needs a profile to be listed; they complete it after logging in.
        if (created && input.role === 'mentor') await createMentorProfile({ tx, userId: created.id });
        return created;
      });
      if (!user) throw new UsageError(`a user with email ${input.email} already exists`);
      return `Created ${input.role} ${input.email} (${user.id})`;
    } finally {
      await database.close();
    }
  }

  if (command === 'session:create') {
    let values: Record<string, string | undefined>;
    try {
      values = parseArgs({
        args: rest,
        options: { mentor: { type: 'string' }, mentee: { type: 'string' }, start: { type: 'string' }, duration: { type: 'string' } },
        strict: true,
      }).values;
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0]);
    }
    for (const required of ['mentor', 'mentee', 'start', 'duration']) {
      if (!values[required]) throw new UsageError(`--${required} is required`);
    }
    // Checked before the database is opened, so bad input answers at once.
    const pre = operatorSessionInput.safeParse(values);
    if (!pre.success) throw new UsageError(`--${String(pre.error.issues[0]!.path[0])}: ${pre.error.issues[0]!.message}`);
    const { database } = await boot();
    try {
      const result = await createPaidSession({ db: database.db, input: values, now: new Date() });
      if (!result.ok) throw new UsageError(`--${result.field}: ${result.error}`);
      return `Created session ${result.sessionId} (paid, pending the mentor's acceptance)`;
    } finally {
      await database.close();
    }
  }

  if (command === 'db:migrate') {
    if (rest.length) throw new UsageError(`db:migrate takes no arguments (got ${rest[0]})`);
    const { database } = await boot();
    await database.close();
    return 'Database is up to date.';
  }

  if (command === 'demo:seed') {
    if (rest.length) throw new UsageError(`demo:seed takes no arguments (got ${rest[0]})`);
    const { database, config } = await boot();
    try {
      await seedDemoData({ db: database.db, hasher: createPasswordHasher(), meetingProvider: config.meetings.provider });
    } finally {
      await database.close();
    }
    return [`Demo data is in place. Logins (password "${DEMO_PASSWORD}"):`, ...DEMO_LOGINS.map((l) => `  ${l.role.padEnd(6)}  ${l.email}`)].join('\n');
  }

  const checked = await runCheckCommand(command, rest);
  if (checked !== null) return checked;

  throw new UsageError(`unknown command "${command}" (try: user:create, session:create, db:migrate, demo:seed, mail:test, meetings:test, payments:test)`);
}

