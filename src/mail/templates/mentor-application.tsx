import { closing } from './format';
import { renderEmailHtml } from './layout';
import type { RenderContext, RenderedEmail } from './index';

export interface MentorApprovedPayload {
  name: string;
}

export interface MentorDeclinedPayload {
  name: string;
  /** The admin's words, shown as written (multi-line text, escaped in the HTML part). */
  reason: string;
}

const BUTTON = 'display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none';

function footerFor(ctx: RenderContext) {
  return `You received this email because ${ctx.recipient.address} applied to mentor on CodeMentorHub.`;
}

export function mentorApprovedEmail(p: MentorApprovedPayload, ctx: RenderContext): RenderedEmail {
  const footer = footerFor(ctx);
  const availabilityUrl = `${ctx.appUrl}/mentor/availability`;
  const dashboardUrl = `${ctx.appUrl}/mentor/dashboard`;
  const lead = 'Your application was approved: you are now a mentor on CodeMentorHub, and your profile, made from your application, is in the mentor directory.';
  const next = 'Mentees can book you once you have set your weekly availability. Sessions you booked as a mentee stay as they are.';
  const text = [
    `Hello ${p.name},`, '',
    lead, '',
    next, '',
    `Set your weekly availability: ${availabilityUrl}`,
    `Your Mentor Dashboard: ${dashboardUrl}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Welcome, mentor', footer,
    children: (
      <>
        <p>Hello {p.name},</p>
        <p>{lead}</p>
        <p>{next}</p>
        <p><a href={availabilityUrl} style={BUTTON}>Set your weekly availability</a></p>
        <p><a href={dashboardUrl}>Your Mentor Dashboard</a></p>
      </>
    ),
  });
  return { subject: 'You are now a mentor - CodeMentorHub', text, html };
}

export function mentorDeclinedEmail(p: MentorDeclinedPayload, ctx: RenderContext): RenderedEmail {
  const footer = footerFor(ctx);
  const applyUrl = `${ctx.appUrl}/become-a-mentor`;
  const lead = 'Thank you for applying to mentor on CodeMentorHub. We are not able to approve your application this time, for this reason:';
  const after = 'Your account stays as it is. You are welcome to apply again when the reason no longer applies.';
  const text = [
    `Hello ${p.name},`, '',
    lead, '',
    ...p.reason.split('\n').map((line) => `> ${line}`), '',
    after,
    `Apply again: ${applyUrl}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Your mentor application', footer,
    children: (
      <>
        <p>Hello {p.name},</p>
        <p>{lead}</p>
        <blockquote style="margin:0 0 16px;padding:8px 12px;border-left:4px solid #cbd2d9;white-space:pre-line">{p.reason}</blockquote>
        <p>{after}</p>
        <p><a href={applyUrl}>Apply again</a></p>
      </>
    ),
  });
  return { subject: 'Your mentor application - CodeMentorHub', text, html };
}
