import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { html, KEPT_MARKER, Rendered } from '../src/web/html';
import { sendPage } from '../src/web/render';

const hostile = `"><script>alert(1)</script>&amp;`;

describe('html``', () => {
  it('escapes every value, in text and inside a double-quoted attribute', () => {
    expect(render(html`<a href="/u/${hostile}" title="${hostile}">${hostile}</a>`)).toBe(
      '<a href="/u/&quot;>&lt;script>alert(1)&lt;/script>&amp;amp;" title="&quot;>&lt;script>alert(1)&lt;/script>&amp;amp;">&quot;>&lt;script>alert(1)&lt;/script>&amp;amp;</a>',
    );
  });

  it('renders numbers, nested templates, JSX and lists, and nothing for null, undefined and false', () => {
    const inner = html`<b>${'x&y'}</b>`;
    expect(render(html`<p>${3} ${inner} ${<i>{'<i>'}</i>} ${[html`<br>`, 'a<b', null]}${null}${undefined}${false}</p>`)).toBe(
      '<p>3 <b>x&amp;y</b> <i>&lt;i></i> <br>a&lt;b</p>',
    );
  });

  it('renders the same inside JSX as the JSX it replaces', () => {
    const name = 'Ann & "Bo"';
    expect(render(<td>{html`<a href="?q=${name}">${name}</a>`}</td>)).toBe(render(<td><a href={`?q=${name}`}>{name}</a></td>));
  });

  it('refuses a value anywhere it could break out: an unquoted or single-quoted attribute, a tag or attribute name', () => {
    const v = 'x onmouseover=alert(1)';
    expect(() => html`<a href=${v}>x</a>`).toThrow(/double-quoted attribute/);
    expect(() => html`<a href='${v}'>x</a>`).toThrow(/double-quoted attribute/);
    expect(() => html`<${v}>x</a>`).toThrow(/double-quoted attribute/);
    expect(() => html`<a ${v}="1">x</a>`).toThrow(/double-quoted attribute/);
  });

  it('refuses markup inside an attribute value', () => {
    expect(() => html`<a title="${html`<b>x</b>`}">x</a>`).toThrow(/attribute value must be text/);
    expect(() => html`<a title="${<b>x</b>}">x</a>`).toThrow(/attribute value must be text/);
  });

  it('keeps rendered markup (Rendered) as it was rendered, escaped once, in text only', () => {
    const kept = Rendered.of([html`<td>${hostile}</td>`, <td>{hostile}</td>]);
    const once = '<td>&quot;>&lt;script>alert(1)&lt;/script>&amp;amp;</td>';
    expect(kept.markup).toBe(once + once);
    expect(render(html`<tr>${kept}</tr>`)).toBe(`<tr>${once}${once}</tr>`);
    expect(render(<tbody>{kept.node()}</tbody>)).toBe(`<tbody>${once}${once}</tbody>`);
    expect(() => html`<a title="${kept}">x</a>`).toThrow(/attribute value must be text/);
  });

  it('sends a page with kept markup in its place, as the same bytes as rendering it all at once', async () => {
    const rows = Rendered.of([html`<li>${'Zoë & 日本'}</li>`, html`<li>${hostile}</li>`]);
    const other = Rendered.of(html`<p>${'ñ'}</p>`);
    const page = (kept: boolean) => (
      <html lang="en"><body><ul>{kept ? rows.node() : html`<li>${'Zoë & 日本'}</li><li>${hostile}</li>`}</ul>{kept ? other.node() : <p>ñ</p>}<p>{'é'}</p></body></html>
    );
    const app = Fastify();
    app.get('/kept', (_req, reply) => sendPage(reply, page(true)));
    app.get('/whole', (_req, reply) => sendPage(reply, page(false)));
    const [kept, whole] = [await app.inject('/kept'), await app.inject('/whole')];
    expect(kept.rawPayload.equals(whole.rawPayload)).toBe(true);
    expect(kept.body).toContain('<li>Zoë &amp; 日本</li>');
    expect(kept.body).not.toContain(KEPT_MARKER);
    // Outside sendPage (an email, a fragment) the markup is copied in as text.
    expect(render(<div>{rows.node()}</div>)).toBe(`<div>${rows.markup}</div>`);
    await app.close();
  });
});

