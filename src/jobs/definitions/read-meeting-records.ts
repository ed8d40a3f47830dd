import { z } from 'zod';
import type { MeetingRecords } from '../../meetings/records';
import { defineJob, SWEEP_POLICY } from '../definition';

/**
 * What came back from Google meetings (attendance, recordings, transcripts), read after each
 * session's end and again for 48 hours, since Google publishes files late. Each session is read at
 * most every 10 minutes, then hourly; a failed read is the next sweep's.
 */
export const readMeetingRecordsJob = defineJob<Record<string, unknown>, { records: MeetingRecords | null }>({
  name: 'sessions.read-meeting-records',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '*/5 * * * *',
  handler: async (_data, run) => {
    const { readDueMeetingRecords } = await import('../../sessions/meeting-records');
    return readDueMeetingRecords({ db: run.db, records: run.records, now: new Date() });
  },
});
