import { verificationUrl } from './account';
import { closing } from './format';
import { renderEmailHtml } from './layout';
import type { RenderContext, RenderedEmail } from './index';

export interface WelcomePayload {
  name: string;
  /** Email verification token (self-service sign-up); a one-time secret the outbox drops once delivered. */
  token?: string;
  /** Our own page the confirmation link returns to (the booking step the sign-up was made for). */
  next?: string;
}

export function welcomeEmail(payload: WelcomePayload, ctx: RenderContext): RenderedEmail {
  const mentorsUrl = `${ctx.appUrl}/mentors`;
  const verifyUrl = payload.token ? verificationUrl(ctx.appUrl, payload.token, payload.next) : null;
  const footer = `You received this email because an account was created for ${ctx.recipient.address} on CodeMentorHub.`;
  const verifyText = 'Please confirm your email address: you can book and pay for sessions once it is confirmed (the link works once, for 7 days).';
  const text = [
    `Hello ${payload.name},`,
    '',
    'Welcome to CodeMentorHub! Your account is ready.',
    '',
    ...(verifyUrl ? [verifyText, `Confirm your email: ${verifyUrl}`, ''] : []),
    `Find a mentor and book your first session: ${mentorsUrl}`,
    '',
    ...closing(footer),
  ].join('\n');
  const button = (href: string, label: string) => (
    <a href={href} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">{label}</a>
  );
  const html = renderEmailHtml({
    title: 'Welcome to CodeMentorHub',
    footer,
    children: (
      <>
        <p>Hello {payload.name},</p>
        <p>Welcome to CodeMentorHub! Your account is ready.</p>
        {verifyUrl ? (
          <>
            <p>{verifyText}</p>
            <p>{button(verifyUrl, 'Confirm your email')}</p>
            <p style="font-size:13px;color:#616e7c">If the button does not work, open this address: {verifyUrl}</p>
          </>
        ) : null}
        <p>{verifyUrl ? <a href={mentorsUrl}>Find a mentor</a> : button(mentorsUrl, 'Find a mentor')}</p>
      </>
    ),
  });
  return { subject: 'Welcome to CodeMentorHub', text, html };
}
