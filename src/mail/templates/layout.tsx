import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';

/** Email HTML: a table-free single column with inline styles, which every mail client renders. */
export function renderEmailHtml(props: { title: string; footer: string; children: ComponentChildren }): string {
  return `<!doctype html>${render(
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
      </head>
      <body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2933;line-height:1.5">
        <div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;border:1px solid #e1e4e8">
          <p style="margin:0 0 16px;font-weight:700;color:#1d4ed8;font-size:18px">CodeMentorHub</p>
          {props.children}
          <p>Best regards,<br />CodeMentorHub Team</p>
        </div>
        <p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#616e7c">{props.footer}</p>
      </body>
    </html>,
  )}`;
}
