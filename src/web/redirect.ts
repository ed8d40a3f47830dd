/**
 * Where a `next` parameter may send the browser: a page of our own, or nowhere. It is parsed the way
 * the browser will parse it (the WHATWG URL parser, against APP_URL), so the tabs and newlines it
 * strips, the backslashes it reads as slashes and schemes such as `javascript:` or `https:evil.test`
 * are judged by what they become, not by how they look. Answers only the path, query and fragment.
 */
export function ownPagePath(next: unknown, appUrl: string): string | undefined {
  if (typeof next !== 'string' || next === '' || next.length > 2000) return undefined;
  let base: URL;
  let url: URL;
  try {
    base = new URL(appUrl);
    url = new URL(next, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin || url.username || url.password) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "//host" (from "/.//host" or "http://ours//host") would be read as another host in Location.
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  return path;
}
