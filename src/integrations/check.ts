/**
 * An integration check, in our own terms: what the CLI prints one line per step, what
 * /admin/integrations shows, and what /healthz?deep=1 reports as the last known state. Each adapter
 * (SMTP, Google, Jitsi, Stripe) says what it found in these words; nothing here knows a vendor.
 */
export const INTEGRATIONS = ['mail', 'meetings', 'payments'] as const;
export type IntegrationName = (typeof INTEGRATIONS)[number];

export interface CheckStep {
  /** What was tried, e.g. "Token refresh" or "SMTP server accepted the message". */
  label: string;
  /** ok: it worked; failed: it did not; skipped: not applicable (an integration switched off, say). */
  outcome: 'ok' | 'failed' | 'skipped';
  /** What was found, in one line: the server's answer, the link, the mode. Never a secret (see mask.ts). */
  detail?: string;
  /** On failure: what to look at, naming the variable, e.g. "Check SMTP_URL's user and password." */
  fix?: string;
}

export interface CheckReport {
  integration: IntegrationName;
  ok: boolean;
  /** One line for the whole check, e.g. "Mail works: the SMTP server accepted the test email." */
  summary: string;
  steps: CheckStep[];
  startedAt: Date;
  finishedAt: Date;
}

/** A report from its steps: ok when no step failed. */
export function reportOf(options: { integration: IntegrationName; steps: CheckStep[]; summary: { ok: string; failed: string }; startedAt: Date; finishedAt?: Date }): CheckReport {
  const failed = options.steps.find((s) => s.outcome === 'failed');
  return {
    integration: options.integration,
    ok: !failed,
    summary: failed ? `${options.summary.failed}: ${failed.label.toLowerCase()} failed.` : options.summary.ok,
    steps: options.steps,
    startedAt: options.startedAt,
    finishedAt: options.finishedAt ?? new Date(),
  };
}

const MARK = { ok: '✓', failed: '✗', skipped: '–' } as const;

/** One line per step, as the CLI prints them: "✓ Token refresh: got an access token". */
export function formatStep(step: CheckStep): string {
  const detail = step.detail ? `: ${step.detail}` : '';
  const fix = step.outcome === 'failed' && step.fix ? ` ${step.fix}` : '';
  return `${MARK[step.outcome]} ${step.label}${detail}${fix}`;
}

/** The CLI's whole output: the steps, then the summary line. */
export function formatReport(report: CheckReport): string {
  return [...report.steps.map(formatStep), report.summary].join('\n');
}
