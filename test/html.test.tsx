import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { html, Rendered } from '../src/web/html';

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
});

