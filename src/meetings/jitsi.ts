import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { CheckStep } from '../integrations/check';
import { maskSecret, maskUrl } from '../integrations/mask';
import type { Meeting, MeetingProvider } from './provider';

/**
 * Jitsi rooms need no API call: a room exists when the first person opens its URL. What keeps
 * strangers out is the name, so it carries 160 random bits (crypto.randomBytes) after an optional
 * readable prefix: `zoe-obrien-<32 base32 chars>`. Jitsi lowercases room names, so only [a-z0-9-] is
 * generated.
 *
 * On a self-hosted server with token authentication (JITSI_APP_ID + JITSI_APP_SECRET, Prosody's
 * `token` auth), each participant gets a link with `?jwt=` signed HS256 for that room only, with the
 * claims Jitsi reads: iss (app id), aud 'jitsi', sub (the server's host name), room, exp and
 * context.user (strings, moderator 'true' / 'false').
 *
 * On meet.jit.si the first person in must sign in (Google/GitHub/Facebook) and embedded iframes are
 * cut after 5 minutes: link out, never embed.
 */
export interface JitsiOptions {
  /** JITSI_BASE_URL, e.g. https://meet.jit.si */
  baseUrl: string;
  appId?: string;
  appSecret?: string;
  /** How long the operator's check waits for JITSI_BASE_URL to answer. */
  checkTimeoutMs?: number;
}

export const JITSI_CHECK_TIMEOUT_MS = 10_000;

/** Random bytes in a room name: 20 bytes = 160 bits = exactly 32 base32 characters. */
export const JITSI_ROOM_RANDOM_BYTES = 20;
export const JITSI_ROOM_PREFIX_MAX = 30;

export function createJitsiMeetingProvider(options: JitsiOptions): MeetingProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  if ((options.appId === undefined) !== (options.appSecret === undefined)) {
    throw new Error('JITSI_APP_ID and JITSI_APP_SECRET go together');
  }
  const secret = options.appSecret ? new TextEncoder().encode(options.appSecret) : undefined;
  const createMeeting = async (input: { roomName?: string }): Promise<Meeting> => {
    const room = jitsiRoomName(input.roomName);
    return { provider: 'jitsi', joinUrl: `${base}/${room}`, externalId: room };
  };

  return {
    name: 'jitsi',
    createMeeting,
    async joinUrlFor(meeting: Meeting, participant, { expiresAt }) {
      // Only our own rooms get a token: a meeting made by another provider (or on a server we used to
      // be configured with) keeps its link, and no signed token travels to a host that is not ours.
      if (!secret || !options.appId || meeting.provider !== 'jitsi' || meeting.joinUrl !== `${base}/${meeting.externalId}`) {
        return meeting.joinUrl;
      }
      const jwt = await new SignJWT({
        room: meeting.externalId,
        context: {
          user: {
            id: participant.id,
            name: participant.name,
            email: participant.email,
            moderator: participant.moderator ? 'true' : 'false',
          },
        },
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(options.appId)
        .setAudience('jitsi')
        .setSubject(host)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
      const url = new URL(meeting.joinUrl);
      url.searchParams.set('jwt', jwt);
      return url.toString();
    },
    // A Jitsi room exists only while people are in it and has no time: nothing to remove or move.
    async cancelMeeting() {},
    async updateMeeting() {},
    async check() {
      const steps = [await probeServer(base, options.checkTimeoutMs ?? JITSI_CHECK_TIMEOUT_MS)];
      // Made exactly as a session's room is; nothing to remove afterwards.
      const room = await createMeeting({ roomName: 'codementorhub-check' });
      steps.push({ label: 'Room link', outcome: 'ok', detail: `${maskUrl(room.joinUrl)} (a Jitsi room exists only while people are in it: nothing to delete)` });
      if (options.appId && options.appSecret) {
        steps.push({
          label: 'Token authentication', outcome: 'ok',
          detail: `each person's link carries a token for app ${options.appId}, signed with JITSI_APP_SECRET (${maskSecret(options.appSecret)})`,
        });
      }
      return steps;
    },
  };
}

/** The Jitsi server's home page answers: any 2xx or 3xx within the time allowed. */
async function probeServer(base: string, timeoutMs: number): Promise<CheckStep> {
  const label = 'Jitsi server';
  const shown = maskUrl(base);
  try {
    const res = await fetch(base, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    if (res.status < 400) return { label, outcome: 'ok', detail: `${shown} answered ${res.status}` };
    return {
      label, outcome: 'failed', detail: `${shown} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      fix: 'Check JITSI_BASE_URL: it must be the address of a Jitsi Meet server, whose home page opens in a browser.',
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `could not connect (${e.cause?.code ?? e.cause?.message ?? e.message})`;
    return { label, outcome: 'failed', detail: `${shown}: ${why}`, fix: 'Check JITSI_BASE_URL and that this server can reach it.' };
  }
}

/** `<slug>-<random>` or just `<random>` when there is no usable prefix. */
export function jitsiRoomName(prefix?: string): string {
  const random = base32(randomBytes(JITSI_ROOM_RANDOM_BYTES));
  const slug = prefix ? slugify(prefix, JITSI_ROOM_PREFIX_MAX) : '';
  return slug ? `${slug}-${random}` : random;
}

const LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lowercase ASCII [a-z0-9-], words joined by single hyphens, at most `max` characters. */
export function slugify(text: string, max: number): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents: "ë" → "e"
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => LETTERS[c] ?? '')
    .replace(/['’`]/g, '') // "o'brien" → "obrien", not "o-brien"
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lowercase, no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff; // at most 12 pending bits matter
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
