import { auth as googleAuth } from '@googleapis/meet';

/** The platform Google account's OAuth client credentials and refresh token (GOOGLE_* variables). */
export interface GoogleCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** GOOGLE_OAUTH_TOKEN_URL, e.g. https://oauth2.googleapis.com/token */
  tokenUrl: string;
}

export type GoogleAuthClient = InstanceType<typeof googleAuth.OAuth2>;

/**
 * One OAuth2 client for every Google API we call: it exchanges the refresh token at the token endpoint
 * and keeps the access token until shortly before it expires; concurrent calls share one refresh.
 * The transporter carries both token and API requests (the SDKs send through the auth client): one
 * bounded attempt each, so the job's own retry policy is the only retry loop.
 */
export function createGoogleAuth(credentials: GoogleCredentials, options: { timeoutMs: number }): GoogleAuthClient {
  const client = new googleAuth.OAuth2({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    endpoints: { oauth2TokenUrl: credentials.tokenUrl },
    transporterOptions: { timeout: options.timeoutMs, retryConfig: { retry: 0, noResponseRetries: 0 } },
  });
  client.setCredentials({ refresh_token: credentials.refreshToken });
  return client;
}

type HttpishError = { message?: string; response?: { status?: number; data?: unknown } };

/**
 * A Google failure as one readable line (Google's JSON `{ error: { status, message } }`, or OAuth's
 * `{ error, error_description }`), never carrying a secret.
 */
export function describeGoogleError(raw: unknown, what: string): string {
  const err = (raw ?? {}) as HttpishError;
  const status = err.response?.status;
  if (status === undefined) return `${what} failed: no answer (${err.message ?? String(raw)})`;
  const data = (err.response?.data ?? {}) as { error?: unknown; error_description?: unknown };
  if (typeof data.error === 'string') {
    return `${what} failed: ${status} ${data.error}${typeof data.error_description === 'string' ? ` (${data.error_description})` : ''}`;
  }
  const body = (data.error ?? {}) as { status?: unknown; message?: unknown };
  return `${what} failed: ${status}${typeof body.status === 'string' ? ` ${body.status}` : ''}${typeof body.message === 'string' ? `: ${body.message}` : ''}`;
}
