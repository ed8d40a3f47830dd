import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentUser } from '../accounts/sessions';
import { clockOfLanguage, type Clock } from './time';

/** What every page needs from the request: who is looking, and a CSRF token for its forms. */
export interface PageContext {
  user: CurrentUser | null;
  csrf: string;
  path: string;
  flash?: string;
  /** A notice that something did not work (a failed check, say) is shown as a problem, not as good news. */
  flashTone?: 'problem';
  /** The viewer's clock for times of day: the account's choice, else their browser's language. */
  clock?: Clock;
}

/** 12- or 24-hour: what the account chose, else what the browser's language uses. */
export function viewerClock(request: FastifyRequest): Clock {
  return request.user?.clock ?? clockOfLanguage(request.headers?.['accept-language']);
}

export function pageContext(request: FastifyRequest, reply: FastifyReply): PageContext {
  return {
    user: request.user,
    // Errors raised before the cookie parser ran (overload, bad headers) render without forms.
    csrf: request.cookies ? reply.generateCsrf() : '',
    path: request.url.split('?')[0] ?? '/',
    ...readFlash(request, reply),
    clock: viewerClock(request),
  };
}

const FLASH = 'cmh_flash';

/** A one-time notice shown on the next page (after a redirect). */
export function setFlash(reply: FastifyReply, message: string, options: { tone?: 'problem' } = {}): void {
  // The tone rides in the signed value as a leading "!": one cookie, nothing else to keep in step.
  reply.setCookie(FLASH, `${options.tone === 'problem' ? '!' : ''}${message.slice(0, 200)}`, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, maxAge: 60 });
}

function readFlash(request: FastifyRequest, reply: FastifyReply): { flash?: string; flashTone?: 'problem' } {
  const raw = request.cookies?.[FLASH];
  if (!raw) return {};
  reply.clearCookie(FLASH, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  const value = unsigned.valid ? unsigned.value : null;
  if (!value) return {};
  return value.startsWith('!') ? { flash: value.slice(1), flashTone: 'problem' } : { flash: value };
}
