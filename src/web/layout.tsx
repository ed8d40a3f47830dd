import type { ComponentChildren } from 'preact';
import type { Role } from '../db/schema';
import type { PageContext } from './context';
import { glyph } from './glyph';

const NAV: Record<Role | 'guest', { href: string; label: string }[]> = {
  guest: [{ href: '/', label: 'Home' }, { href: '/mentors', label: 'Find a mentor' }],
  mentee: [{ href: '/mentors', label: 'Find a mentor' }, { href: '/dashboard', label: 'My Sessions' }, { href: '/account', label: 'Account' }],
  mentor: [
    { href: '/mentor/dashboard', label: 'Mentor Dashboard' },
    { href: '/mentor/profile', label: 'My profile' },
    { href: '/mentors', label: 'Mentors' },
    { href: '/account', label: 'Account' },
  ],
  admin: [
    { href: '/admin', label: 'Admin' },
    { href: '/admin/sessions', label: 'Sessions' },
    { href: '/admin/payments', label: 'Payments' },
    { href: '/admin/revenue', label: 'Revenue' },
    { href: '/admin/mentors', label: 'Mentors' },
    { href: '/admin/users', label: 'Users' },
    { href: '/admin/reviews', label: 'Reviews' },
    { href: '/admin/mail', label: 'Mail' },
    { href: '/admin/outbox', label: 'Outbox' },
    { href: '/admin/integrations', label: 'Integrations' },
    { href: '/account', label: 'Account' },
  ],
};

export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren; wide?: boolean }) {
  const { ctx } = props;
  const links = NAV[ctx.user?.role ?? 'guest'];
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · CodeMentorHub`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <script src="/static/app.js" defer />
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site-header">
          <div class={links.length > 6 ? 'bar bar-many' : 'bar'}>
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">{'</>'}</span> CodeMentorHub
            </a>
            {/* On a phone the links fold into a "Menu" disclosure that needs no JavaScript; on wider screens app.css
                shows them in the bar and hides the summary. */}
            <details class="menu">
              <summary class="btn btn-quiet menu-toggle"><span aria-hidden="true">{glyph('☰')} </span>Menu</summary>
              <nav aria-label="Main">
                <ul class="nav">
                  {links.map((l) => (
                    <li key={l.href}>
                      <a href={l.href} aria-current={ctx.path === l.href ? 'page' : undefined}>{l.label}</a>
                    </li>
                  ))}
                </ul>
              </nav>
            </details>
            <div class="account">
              {ctx.user ? (
                <form method="post" action="/logout" class="inline">
                  <input type="hidden" name="_csrf" value={ctx.csrf} />
                  <span class="who">{ctx.user.name}</span>
                  <button type="submit" class="btn btn-quiet">Log out</button>
                </form>
              ) : (
                <>
                  <a class="btn btn-quiet" href="/login">Log in</a>
                  <a class="btn" href="/signup">Sign up</a>
                </>
              )}
            </div>
          </div>
        </header>
        <main id="main" class={props.wide ? 'wide' : undefined}>
          {ctx.flash ? <p class={ctx.flashTone === 'problem' ? 'flash flash-problem' : 'flash'} role="status">{ctx.flash}</p> : null}
          {props.children}
        </main>
        <footer class="site-footer">
          <p>CodeMentorHub {glyph('—')} learn from developers who have done it before.</p>
        </footer>
      </body>
    </html>
  );
}

export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
