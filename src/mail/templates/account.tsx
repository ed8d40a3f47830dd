import { closing } from './format';
import { renderEmailHtml } from './layout';
import type { RenderContext, RenderedEmail } from './index';

/** `token` is a one-time secret: the outbox drops it from the payload once the email is delivered. */
export interface AccountLinkPayload {
  name: string;
  token: string;
  /** Email verification only: our own page the link returns to (the booking step). */
  next?: string;
}

export interface PasswordChangedPayload {
  name: string;
  /** 'reset': through a "Forgot password?" link; 'change': from the account page. */
  via: 'reset' | 'change';
}

const BUTTON = 'display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none';

function accountFooter(ctx: RenderContext) {
  return `You received this email because of an account request for ${ctx.recipient.address} on CodeMentorHub.`;
}

/** A link email: a greeting, why, one button, what happens if it was not you. */
function linkEmail(options: { ctx: RenderContext; subject: string; name: string; lead: string; label: string; url: string; after: string }): RenderedEmail {
  const footer = accountFooter(options.ctx);
  const text = [
    `Hello ${options.name},`, '',
    options.lead, '',
    `${options.label}: ${options.url}`, '',
    options.after, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: options.subject, footer,
    children: (
      <>
        <p>Hello {options.name},</p>
        <p>{options.lead}</p>
        <p><a href={options.url} style={BUTTON}>{options.label}</a></p>
        <p style="font-size:13px;color:#616e7c">If the button does not work, open this address: {options.url}</p>
        <p>{options.after}</p>
      </>
    ),
  });
  return { subject: options.subject, text, html };
}

export function passwordResetEmail(p: AccountLinkPayload, ctx: RenderContext): RenderedEmail {
  return linkEmail({
    ctx, subject: 'Reset your password - CodeMentorHub', name: p.name,
    lead: 'Someone (we hope you) asked to reset the password of your CodeMentorHub account.',
    label: 'Choose a new password',
    url: `${ctx.appUrl}/reset-password?token=${encodeURIComponent(p.token)}`,
    after: 'The link works once, for 30 minutes. If you did not ask for it, ignore this email: your password stays as it is.',
  });
}

export function emailVerificationEmail(p: AccountLinkPayload, ctx: RenderContext): RenderedEmail {
  return linkEmail({
    ctx, subject: 'Confirm your email - CodeMentorHub', name: p.name,
    lead: 'Please confirm that this is your email address. You can book and pay for sessions once it is confirmed.',
    label: 'Confirm your email',
    url: verificationUrl(ctx.appUrl, p.token, p.next),
    after: 'The link works once, for 7 days. If you did not create a CodeMentorHub account, ignore this email.',
  });
}

export function verificationUrl(appUrl: string, token: string, next?: string): string {
  const back = next ? `&next=${encodeURIComponent(next)}` : '';
  return `${appUrl}/verify-email?token=${encodeURIComponent(token)}${back}`;
}

export function passwordChangedEmail(p: PasswordChangedPayload, ctx: RenderContext): RenderedEmail {
  const footer = accountFooter(ctx);
  const how = p.via === 'reset' ? 'through a "Forgot password?" link' : 'from your account page';
  const lead = `The password of your CodeMentorHub account was changed ${how}. Every other place you were logged in has been logged out.`;
  const after = `If this was not you, reset your password now at ${ctx.appUrl}/forgot-password and tell us by replying to this email.`;
  const text = [`Hello ${p.name},`, '', lead, '', after, '', ...closing(footer)].join('\n');
  const html = renderEmailHtml({
    title: 'Your password was changed', footer,
    children: (
      <>
        <p>Hello {p.name},</p>
        <p>{lead}</p>
        <p>{after}</p>
      </>
    ),
  });
  return { subject: 'Your password was changed - CodeMentorHub', text, html };
}
