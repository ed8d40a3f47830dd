import type { Config } from '../config';
import type { MeetingProvider, MeetingProviderName } from '../meetings/provider';
import { reportOf, type CheckReport, type CheckStep } from './check';

const SUMMARIES: Record<MeetingProviderName, { ok: string; failed: string }> = {
  'google-meet': { ok: 'Google Meet works: a test room was made and deleted.', failed: 'Google Meet check failed' },
  jitsi: { ok: 'Jitsi works: JITSI_BASE_URL answers, and sessions get links like the one above.', failed: 'Jitsi check failed' },
  none: { ok: 'Meetings are off (MEETING_PROVIDER=none): sessions are confirmed without a video link.', failed: 'Meetings check failed' },
};

/** Creates a room for a throw-away event with the configured provider, reports its link, and deletes it. */
export async function checkMeetings(options: { config: Config; provider: MeetingProvider; now?: () => Date }): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  let steps: CheckStep[];
  try {
    // What is tried, and how, is the adapter's: each provider knows what its rooms depend on.
    steps = await options.provider.check({ now: startedAt });
  } catch (err) {
    // A finding is a step, not a throw; this is a fault of ours, still reported rather than lost.
    steps = [{ label: 'Meetings check', outcome: 'failed', detail: `stopped unexpectedly: ${(err as Error).message ?? String(err)}` }];
  }
  return reportOf({ integration: 'meetings', steps, summary: SUMMARIES[options.provider.name], startedAt, finishedAt: now() });
}
