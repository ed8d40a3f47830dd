import type { FastifyReply, FastifyRequest } from 'fastify';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { VerifyFirstPage } from './recovery-views';

/**
 * The one check booking and checkout make before money moves: a mentee whose email address is not
 * confirmed gets a clear page with the resend button (403) instead. Returns null when they may go on.
 * `next` (a page of ours: the booking step) is where a new confirmation link brings them back to.
 */
export function refuseUnverified(request: FastifyRequest, reply: FastifyReply, next?: string): FastifyReply | null {
  if (!request.user || request.user.emailVerified) return null;
  return sendPage(reply, <VerifyFirstPage ctx={pageContext(request, reply)} next={next} />, 403);
}
