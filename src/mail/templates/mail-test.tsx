import { closing } from './format';
import { renderEmailHtml } from './layout';
import type { RenderContext, RenderedEmail } from './index';

export interface MailTestPayload {
  /** When the check was started (ISO 8601, UTC): tells one test email from another. */
  requestedAt: string;
}

export const MAIL_TEST_SUBJECT = 'CodeMentorHub test email';

/** The mail check's email (npm run cli -- mail:test, /admin/integrations): it proves delivery and asks nothing. */
export function mailTestEmail(payload: MailTestPayload, ctx: RenderContext): RenderedEmail {
  const lead = `This email was sent to check CodeMentorHub's mail settings (${ctx.appUrl}), at ${payload.requestedAt} UTC.`;
  const after = 'It needs no action: if you can read it, email from CodeMentorHub reaches this address.';
  const footer = `You received this email because an administrator of CodeMentorHub sent a test email to ${ctx.recipient.address}.`;
  const text = ['Hello,', '', lead, '', after, '', ...closing(footer)].join('\n');
  const html = renderEmailHtml({
    title: MAIL_TEST_SUBJECT,
    footer,
    children: (
      <>
        <p>Hello,</p>
        <p>{lead}</p>
        <p>{after}</p>
      </>
    ),
  });
  return { subject: MAIL_TEST_SUBJECT, text, html };
}
