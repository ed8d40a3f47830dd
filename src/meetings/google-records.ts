import { meet } from '@googleapis/meet';
import { createGoogleAuth, describeGoogleError, type GoogleCredentials } from './google-auth';
import type { MeetingRecords, RecordedArtifact, RecordedParticipant } from './records';

/** A read is several requests; each is bounded so a hang cannot hold the sweep. */
export const GOOGLE_RECORDS_TIMEOUT_MS = 15_000;

/**
 * Meet REST API v2 records with Google's SDK (@googleapis/meet), at GOOGLE_MEET_API_URL:
 * conferenceRecords.list filtered by `space.meeting_code`, then per conference its participants (and
 * each one's participantSessions), recordings and transcripts. Needs the scope
 * https://www.googleapis.com/auth/meetings.space.readonly. Read-only, so every failure is simply
 * retried at the next sweep.
 */
export function createGoogleMeetingRecords(options: { credentials: GoogleCredentials; apiUrl: string; timeoutMs?: number }): MeetingRecords {
  const timeout = options.timeoutMs ?? GOOGLE_RECORDS_TIMEOUT_MS;
  const auth = createGoogleAuth(options.credentials, { timeoutMs: timeout });
  const api = meet({ version: 'v2', auth, rootUrl: options.apiUrl });
  const call = { timeout, retry: false };

  async function all<T>(what: string, page: (pageToken: string | undefined) => Promise<{ items?: T[]; next?: string | null }>): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    // A meeting of two people has a handful of each; the bound only guards against a looping token.
    for (let i = 0; i < 50; i++) {
      let res: { items?: T[]; next?: string | null };
      try {
        res = await page(token);
      } catch (err) {
        throw new Error(describeGoogleError(err, `Google Meet ${what}`));
      }
      items.push(...(res.items ?? []));
      if (!res.next) return items;
      token = res.next;
    }
    return items;
  }

  return {
    async read({ meetingCode, from, to }) {
      if (!/^[a-z0-9-]+$/i.test(meetingCode)) throw new Error(`not a Meet meeting code: ${JSON.stringify(meetingCode)}`);
      const conferences = (await all('conferenceRecords.list', async (pageToken) => {
        const { data } = await api.conferenceRecords.list({ filter: `space.meeting_code = "${meetingCode}"`, pageToken }, call);
        return { items: data.conferenceRecords, next: data.nextPageToken };
      })).filter((c) => {
        const start = c.startTime ? new Date(c.startTime) : null;
        return c.name && start && start >= from && start <= to;
      });
      const participants: RecordedParticipant[] = [];
      const artifacts: RecordedArtifact[] = [];
      for (const conference of conferences) {
        const parent = conference.name!;
        const people = await all('participants.list', async (pageToken) => {
          const { data } = await api.conferenceRecords.participants.list({ parent, pageToken }, call);
          return { items: data.participants, next: data.nextPageToken };
        });
        for (const p of people) {
          if (!p.name) continue;
          const stretches = await all('participantSessions.list', async (pageToken) => {
            const { data } = await api.conferenceRecords.participants.participantSessions.list({ parent: p.name!, pageToken }, call);
            return { items: data.participantSessions, next: data.nextPageToken };
          });
          const displayName = p.signedinUser?.displayName ?? p.anonymousUser?.displayName ?? p.phoneUser?.displayName ?? 'Unknown participant';
          participants.push({
            name: p.name, displayName,
            stretches: stretches.filter((s) => s.name && s.startTime).map((s) => ({ name: s.name!, joinedAt: new Date(s.startTime!), leftAt: s.endTime ? new Date(s.endTime) : null })),
          });
        }
        const recordings = await all('recordings.list', async (pageToken) => {
          const { data } = await api.conferenceRecords.recordings.list({ parent, pageToken }, call);
          return { items: data.recordings, next: data.nextPageToken };
        });
        for (const r of recordings) {
          const url = r.driveDestination?.exportUri;
          if (r.name && r.state === 'FILE_GENERATED' && url) artifacts.push({ kind: 'recording', name: r.name, url, startedAt: r.startTime ? new Date(r.startTime) : null });
        }
        const transcripts = await all('transcripts.list', async (pageToken) => {
          const { data } = await api.conferenceRecords.transcripts.list({ parent, pageToken }, call);
          return { items: data.transcripts, next: data.nextPageToken };
        });
        for (const t of transcripts) {
          const url = t.docsDestination?.exportUri;
          if (t.name && t.state === 'FILE_GENERATED' && url) artifacts.push({ kind: 'transcript', name: t.name, url, startedAt: t.startTime ? new Date(t.startTime) : null });
        }
      }
      return { conferences: conferences.length, participants, artifacts };
    },
  };
}
