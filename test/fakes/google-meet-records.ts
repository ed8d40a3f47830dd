import { randomBytes } from 'node:crypto';

/**
 * The Meet REST API v2's records, as the fake Google serves them (GET only, Google's JSON shapes):
 * - `/v2/conferenceRecords?filter=space.meeting_code = "abc-defg-hij"` → `{ conferenceRecords, nextPageToken }`
 * - `/v2/conferenceRecords/{c}/participants` → `{ participants, nextPageToken, totalSize }`
 * - `/v2/conferenceRecords/{c}/participants/{p}/participantSessions` → `{ participantSessions, nextPageToken }`
 * - `/v2/conferenceRecords/{c}/recordings` and `/transcripts` → `{ recordings | transcripts, nextPageToken }`
 * Lists are paged by `pageSize` (default `pageSize` here, small so paging is exercised) and `pageToken`.
 * Tests load conferences with `addConference` and publish files later with `addRecording`/`addTranscript`.
 */
export interface FakeConferenceInput {
  meetingCode: string;
  startTime: Date;
  endTime?: Date;
  participants?: { displayName: string; anonymous?: boolean; sessions: { start: Date; end?: Date }[] }[];
}

interface FakeFile {
  name: string;
  state: 'STARTED' | 'ENDED' | 'FILE_GENERATED';
  startTime: string;
  endTime?: string;
  exportUri: string;
}

interface FakeConference {
  name: string;
  space: string;
  meetingCode: string;
  startTime: string;
  endTime?: string;
  participants: { resource: Record<string, unknown>; sessions: Record<string, unknown>[] }[];
  recordings: FakeFile[];
  transcripts: FakeFile[];
}

const id = () => randomBytes(9).toString('base64url').replace(/[-_]/g, 'Q');

export class FakeMeetRecords {
  /** Default page size of every list (Google's are larger; small here so clients must follow nextPageToken). */
  pageSize = 2;
  private conferences: FakeConference[] = [];
  /** The `filter` of every conferenceRecords.list, in order. */
  filters: string[] = [];

  /** A conference that took place in the room with this meeting code. Returns its resource name. */
  addConference(input: FakeConferenceInput): string {
    const name = `conferenceRecords/${id()}`;
    this.conferences.push({
      name, space: `spaces/${id()}`, meetingCode: input.meetingCode, startTime: input.startTime.toISOString(), endTime: input.endTime?.toISOString(),
      participants: (input.participants ?? []).map((p) => {
        const participant = `${name}/participants/${id()}`;
        const starts = p.sessions.map((s) => s.start.getTime());
        const ends = p.sessions.map((s) => s.end?.getTime() ?? Number.NaN);
        const user = p.anonymous ? { anonymousUser: { displayName: p.displayName } } : { signedinUser: { user: `users/${id()}`, displayName: p.displayName } };
        return {
          resource: {
            name: participant, ...user,
            earliestStartTime: new Date(Math.min(...starts)).toISOString(),
            ...(ends.some(Number.isNaN) ? {} : { latestEndTime: new Date(Math.max(...ends)).toISOString() }),
          },
          sessions: p.sessions.map((s) => ({ name: `${participant}/participantSessions/${id()}`, startTime: s.start.toISOString(), ...(s.end ? { endTime: s.end.toISOString() } : {}) })),
        };
      }),
      recordings: [], transcripts: [],
    });
    return name;
  }

  /** A recording of a conference; its Drive file exists once the state is FILE_GENERATED. */
  addRecording(conference: string, file: { startTime: Date; endTime?: Date; state?: FakeFile['state'] }): FakeFile {
    return this.addFile(conference, 'recordings', file, (fileId) => `https://drive.google.com/file/d/${fileId}/view?usp=drive_web`);
  }

  addTranscript(conference: string, file: { startTime: Date; endTime?: Date; state?: FakeFile['state'] }): FakeFile {
    return this.addFile(conference, 'transcripts', file, (fileId) => `https://docs.google.com/document/d/${fileId}/edit?usp=drive_web`);
  }

  /** Google finishes writing a file. */
  generate(file: FakeFile): void {
    file.state = 'FILE_GENERATED';
  }

  private addFile(conference: string, kind: 'recordings' | 'transcripts', f: { startTime: Date; endTime?: Date; state?: FakeFile['state'] }, uri: (id: string) => string): FakeFile {
    const c = this.conferences.find((x) => x.name === conference);
    if (!c) throw new Error(`no conference ${conference}`);
    const fileId = id();
    const file: FakeFile = { name: `${conference}/${kind}/${id()}`, state: f.state ?? 'FILE_GENERATED', startTime: f.startTime.toISOString(), endTime: f.endTime?.toISOString(), exportUri: uri(fileId) };
    c[kind].push(file);
    return file;
  }

  /** Answers a records request, or null when the path is not one. */
  route(method: string, path: string, query: URLSearchParams): [number, unknown] | null {
    if (method !== 'GET' || !path.startsWith('/v2/conferenceRecords')) return null;
    const parts = path.slice('/v2/'.length).split('/');
    if (parts.length === 1) {
      const filter = query.get('filter') ?? '';
      this.filters.push(filter);
      const code = /^\s*space\.meeting_code\s*=\s*"([^"]*)"\s*$/.exec(filter);
      if (filter && !code) return [400, googleError(400, 'INVALID_ARGUMENT', `Invalid filter: ${filter}`)];
      const matching = this.conferences.filter((c) => !code || c.meetingCode === code[1]);
      return this.page('conferenceRecords', matching.map((c) => ({ name: c.name, startTime: c.startTime, ...(c.endTime ? { endTime: c.endTime } : {}), space: c.space })), query);
    }
    const conference = this.conferences.find((c) => c.name === `${parts[0]}/${parts[1]}`);
    if (!conference) return [404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.')];
    const rest = parts.slice(2);
    if (rest.length === 1 && rest[0] === 'participants') {
      const [status, body] = this.page('participants', conference.participants.map((p) => p.resource), query);
      return [status, { ...(body as object), totalSize: conference.participants.length }];
    }
    if (rest.length === 3 && rest[0] === 'participants' && rest[2] === 'participantSessions') {
      const participant = conference.participants.find((p) => p.resource.name === `${conference.name}/participants/${rest[1]}`);
      if (!participant) return [404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.')];
      return this.page('participantSessions', participant.sessions, query);
    }
    if (rest.length === 1 && (rest[0] === 'recordings' || rest[0] === 'transcripts')) {
      const destination = rest[0] === 'recordings' ? 'driveDestination' : 'docsDestination';
      const fileKey = rest[0] === 'recordings' ? 'file' : 'document';
      return this.page(rest[0], conference[rest[0]].map((f) => ({
        name: f.name, state: f.state, startTime: f.startTime, ...(f.endTime ? { endTime: f.endTime } : {}),
        // Google names the file only once it is written.
        ...(f.state === 'FILE_GENERATED' ? { [destination]: { [fileKey]: f.exportUri.split('/')[5], exportUri: f.exportUri } } : {}),
      })), query);
    }
    return [404, googleError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`)];
  }

  private page(key: string, items: unknown[], query: URLSearchParams): [number, unknown] {
    const size = Number(query.get('pageSize') ?? this.pageSize) || this.pageSize;
    const start = Number(query.get('pageToken') ?? 0);
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? String(start + size) : undefined;
    return [200, { ...(slice.length ? { [key]: slice } : {}), ...(next ? { nextPageToken: next } : {}) }];
  }
}

function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}
