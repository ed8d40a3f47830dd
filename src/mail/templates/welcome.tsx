import { closing } from './format';
import { renderEmailHtml } from './layout';
import type { RenderContext, RenderedEmail } from './index';

export interface WelcomePayload {
  name: string;
}

export function welcomeEmail(payload: WelcomePayload, ctx: RenderContext): RenderedEmail {
  const mentorsUrl = `${ctx.appUrl}/mentors`;
  const footer = `You received this email because an account was created for ${ctx.recipient.address} on CodeMentorHub.`;
  const text = [
    `Hello ${payload.name},`,
    '',
    'Welcome to CodeMentorHub! Your account is ready.',
    '',
    `Find a mentor and book your first session: ${mentorsUrl}`,
    '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Welcome to CodeMentorHub',
    footer,
    children: (
      <>
        <p>Hello {payload.name},</p>
        <p>Welcome to CodeMentorHub! Your account is ready.</p>
        <p>
          <a href={mentorsUrl} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">
            Find a mentor
          </a>
        </p>
      </>
    ),
  });
  return { subject: 'Welcome to CodeMentorHub', text, html };
}
