import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A browser-like client over inject(): keeps cookies, and fetches a CSRF token for form posts. */
export class Agent {
  cookies = new Map<string, string>();
  constructor(private app: FastifyInstance) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const gone = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.keep(await this.app.inject({
      method: 'POST', url, payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    }));
  }

  /** A CSRF token as a page's form would carry it (the page also sets the secret cookie). */
  async csrfToken(page?: string): Promise<string> {
    // Every logged-in page has the log-out form; a guest's log-in page has the log-in form.
    const res = await this.get(page ?? (this.cookies.has('cmh_session') ? '/' : '/login'));
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`no CSRF token on ${page} (${res.statusCode})`);
    return m[1]!;
  }

  /** Posts a form the way a browser does after loading the page that holds it. */
  async submit(url: string, form: Record<string, string>, page?: string) {
    return this.post(url, { _csrf: await this.csrfToken(page), ...form });
  }
}
