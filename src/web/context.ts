import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentUser } from '../accounts/sessions';
import { clockOfLanguage, type Clock } from './time';

/** What every page needs from the request: who is looking, and a CSRF token for its forms. */
export interface PageContext {
  user: CurrentUser | null;
  csrf: string;
  path: string;
  flash?: string;
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
    flash: readFlash(request, reply),
    clock: viewerClock(request),
  };
}

const FLASH = 'cmh_flash';

/** A one-time notice shown on the next page (after a redirect). */
export function setFlash(reply: FastifyReply, message: string): void {
  reply.setCookie(FLASH, message.slice(0, 200), { path: '/', httpOnly: true, sameSite: 'lax', signed: true, maxAge: 60 });
}

function readFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const raw = request.cookies?.[FLASH];
  if (!raw) return undefined;
  reply.clearCookie(FLASH, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid ? (unsigned.value ?? undefined) : undefined;
}
