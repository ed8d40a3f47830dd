import type { Config } from '../config';
import type { CheckReport, CheckStep, IntegrationName } from './check';
import { scrubSecrets } from './settings';

/** Longer than any check's own bounded waits: this only stops a request from hanging if one of them does not. */
export const CHECK_DEADLINE_MS = 60_000;

const NAMES: Record<IntegrationName, string> = { mail: 'mail', meetings: 'meetings', payments: 'payments' };

/**
 * Runs one check for the admin page and always gives a report: a check that throws or does not
 * finish in time becomes a failed report saying so, never an error page. Every text in the report
 * is scrubbed of the configured secrets once more before it is shown or kept.
 */
export async function runCheckSafely(options: { integration: IntegrationName; config: Config; run: () => Promise<CheckReport>; now: () => Date; deadlineMs?: number }): Promise<CheckReport> {
  const startedAt = options.now();
  const deadlineMs = options.deadlineMs ?? CHECK_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const report = await Promise.race([
      options.run(),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`it did not finish within ${Math.round(deadlineMs / 1000)} seconds`)), deadlineMs); }),
    ]);
    return scrubReport(report, options.config);
  } catch (err) {
    const message = scrubSecrets(String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 300), options.config);
    return {
      integration: options.integration,
      ok: false,
      summary: `The ${NAMES[options.integration]} check could not run: ${message}`,
      steps: [{ label: 'Check could not run', outcome: 'failed', detail: message, fix: 'Run the same check from the command line for more detail, and look at the server log.' }],
      startedAt,
      finishedAt: options.now(),
    };
  } finally {
    clearTimeout(timer);
  }
}

function scrubReport(report: CheckReport, config: Config): CheckReport {
  const scrub = (text: string | undefined) => (text === undefined ? undefined : scrubSecrets(text, config));
  const steps: CheckStep[] = report.steps.map((s) => ({ ...s, label: scrubSecrets(s.label, config), detail: scrub(s.detail), fix: scrub(s.fix) }));
  return { ...report, summary: scrubSecrets(report.summary, config), steps };
}
