import { randomBytes } from 'node:crypto';
import { h, type VNode } from 'preact';
import { jsxEscape, jsxTemplate } from 'preact/jsx-runtime';
import { render } from 'preact-render-to-string';

/**
 * Markup for the busiest lists' rows (admin Sessions, the dashboards' cards), written as a tagged
 * template: html`<td><a href="/admin/sessions/${s.id}">${s.mentorName}</a></td>`.
 *
 * Why not JSX there: preact-render-to-string walks every element and attribute of every row, and
 * under load rendering was most of a page's CPU time. This goes through Preact's own template
 * vnode (jsxTemplate, what its precompiled JSX emits): the static markup is copied as it stands and
 * only the values are rendered, ~2.7× faster for the admin rows (bench/RESULTS.md, issue 15).
 *
 * Escaping stays the default: every value is escaped (& " <) unless it is a vnode (JSX or another
 * html`` result), which renders as usual. A value may stand in text or inside a double-quoted
 * attribute value, nowhere else (an unquoted attribute or a tag name could be broken out of); each
 * template is checked for that the first time it is used, and a vnode inside an attribute throws.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): VNode {
  let positions = checked.get(strings);
  if (!positions) {
    positions = valuePositions(strings);
    checked.set(strings, positions);
  }
  const exprs = values.map((value, i) => {
    if (value instanceof Rendered && positions[i] === 'text') return value.node();
    if (positions[i] === 'attribute' && typeof value === 'object' && value !== null) {
      throw new Error(`html: an attribute value must be text, not ${Array.isArray(value) ? 'a list' : 'markup'} (after ${JSON.stringify(strings[i]!.slice(-40))})`);
    }
    // A list is rendered as children are, which escapes its text: escaping it here as well would do it twice.
    return Array.isArray(value) ? value : jsxEscape(value as never);
  });
  return jsxTemplate(strings as unknown as string[], ...exprs);
}

type Position = 'text' | 'attribute';
const checked = new WeakMap<TemplateStringsArray, Position[]>();

/** Where each value of a template falls: in text, or inside a double-quoted attribute value. */
function valuePositions(strings: TemplateStringsArray): Position[] {
  let state: 'text' | 'tag' | 'quoted' | 'single' = 'text';
  const positions: Position[] = [];
  strings.forEach((part, i) => {
    for (const ch of part) {
      if (state === 'text') { if (ch === '<') state = 'tag'; }
      else if (state === 'tag') { if (ch === '"') state = 'quoted'; else if (ch === "'") state = 'single'; else if (ch === '>') state = 'text'; }
      else if (state === 'quoted') { if (ch === '"') state = 'tag'; }
      else if (ch === "'") state = 'tag';
    }
    if (i === strings.length - 1) return;
    if (state === 'text') positions.push('text');
    else if (state === 'quoted') positions.push('attribute');
    else throw new Error(`html: a value must stand in text or in a double-quoted attribute value (after ${JSON.stringify(part.slice(-40))})`);
  });
  return positions;
}

/**
 * Markup this app rendered and keeps, to send again as it stands (a cached list: src/web/kept.ts).
 * Only `Rendered.of` makes one, from vnodes, which escaped their values as they rendered; so no
 * string from outside can become markup this way. A page sent by sendPage takes its bytes as they
 * were encoded the first time (src/web/render.ts).
 */
export class Rendered {
  #bytes: Buffer | undefined;

  private constructor(readonly markup: string) {}

  static of(nodes: VNode | VNode[]): Rendered {
    return new Rendered(renderApart(() => render(jsxTemplate(['', ''], nodes))));
  }

  /** The markup as UTF-8, encoded once. */
  get bytes(): Buffer {
    this.#bytes ??= Buffer.from(this.markup);
    return this.#bytes;
  }

  /** As a vnode: its markup copied into the page unchanged. */
  node(): VNode {
    return h(KeptSlot, { rendered: this as Rendered }) as VNode;
  }
}

/**
 * While sendPage renders a page it collects the kept markup in it: the page is rendered with a
 * marker in each place, and the kept bytes go in at the markers when the page is encoded. Rendering
 * is synchronous, so one collector at a time is all there is.
 */
let collecting: Rendered[] | null = null;
/** Unguessable, so no text on a page can pass for it. */
export const KEPT_MARKER = `<!--kept ${randomBytes(16).toString('hex')}-->`;

function KeptSlot(props: { rendered: Rendered }): VNode {
  if (!collecting) return jsxTemplate([props.rendered.markup]);
  collecting.push(props.rendered);
  return jsxTemplate([KEPT_MARKER]);
}

/** Renders with the kept markup collected rather than copied in; sendPage puts it back as bytes. */
export function renderCollectingKept(render: () => string): { markup: string; kept: Rendered[] } {
  const outer = collecting;
  const kept: Rendered[] = [];
  collecting = kept;
  try {
    return { markup: render(), kept };
  } finally {
    collecting = outer;
  }
}

function renderApart(render: () => string): string {
  const outer = collecting;
  collecting = null;
  try {
    return render();
  } finally {
    collecting = outer;
  }
}
