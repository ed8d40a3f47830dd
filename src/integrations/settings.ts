import type { Config } from '../config';
import type { IntegrationName } from './check';
import { maskSecret, maskUrl } from './mask';

export interface Setting {
  /** The environment variable, as the operator sets it. */
  variable: string;
  /** Its value as shown: masked when it is a secret or a URL that may carry one. */
  value: string;
}

export interface ConfiguredIntegration {
  /** Which provider is in use, in words: "SMTP", "Built-in mailbox", "Google Meet", "Stripe (test mode)". */
  provider: string;
  settings: Setting[];
}

/** The provider names /healthz?deep=1 reports: stable words for monitoring, not for people. */
export function providerIds(config: Config): Record<IntegrationName, string> {
  return { mail: config.smtp ? 'smtp' : 'mailbox', meetings: config.meetings.provider, payments: config.payments.provider };
}

/** What each integration is set to, for /admin/integrations: every secret masked (see mask.ts). */
export function describeConfiguration(config: Config): Record<IntegrationName, ConfiguredIntegration> {
  const from = config.mailFrom.name ? `${config.mailFrom.name} <${config.mailFrom.address}>` : config.mailFrom.address;
  const mail: ConfiguredIntegration = config.smtp
    ? { provider: 'SMTP', settings: [{ variable: 'SMTP_URL', value: maskUrl(config.smtp.url) }, { variable: 'MAIL_FROM', value: from }, { variable: 'SMTP_TIMEOUT_MS', value: String(config.smtp.timeoutMs) }] }
    : { provider: 'Built-in mailbox (SMTP_URL is not set)', settings: [{ variable: 'MAIL_FROM', value: from }] };

  const m = config.meetings;
  const meetings: ConfiguredIntegration = m.provider === 'google-meet'
    ? {
      provider: 'Google Meet',
      settings: [
        { variable: 'MEETING_PROVIDER', value: m.provider },
        { variable: 'GOOGLE_CALENDAR_ID', value: m.google.calendarId },
        { variable: 'GOOGLE_CLIENT_ID', value: maskSecret(m.google.clientId) },
        { variable: 'GOOGLE_CLIENT_SECRET', value: maskSecret(m.google.clientSecret) },
        { variable: 'GOOGLE_REFRESH_TOKEN', value: maskSecret(m.google.refreshToken) },
      ],
    }
    : m.provider === 'jitsi'
      ? {
        provider: 'Jitsi',
        settings: [
          { variable: 'MEETING_PROVIDER', value: m.provider },
          { variable: 'JITSI_BASE_URL', value: maskUrl(m.jitsi.baseUrl) },
          ...(m.jitsi.appId ? [{ variable: 'JITSI_APP_ID', value: m.jitsi.appId }, { variable: 'JITSI_APP_SECRET', value: maskSecret(m.jitsi.appSecret) }] : []),
        ],
      }
      : { provider: 'None: meeting rooms are switched off', settings: [{ variable: 'MEETING_PROVIDER', value: m.provider }] };

  const p = config.payments;
  const payments: ConfiguredIntegration = p.provider === 'stripe'
    ? {
      provider: `Stripe (${p.stripe.secretKey.startsWith('sk_live_') || p.stripe.secretKey.startsWith('rk_live_') ? 'live' : 'test'} mode)`,
      settings: [
        { variable: 'PAYMENT_PROVIDER', value: p.provider },
        { variable: 'STRIPE_SECRET_KEY', value: maskSecret(p.stripe.secretKey) },
        { variable: 'STRIPE_WEBHOOK_SECRET', value: maskSecret(p.stripe.webhookSecret) },
        { variable: 'Webhook endpoint to register', value: `${config.appUrl}/webhooks/stripe` },
      ],
    }
    : { provider: 'Test payments: no money is taken', settings: [{ variable: 'PAYMENT_PROVIDER', value: p.provider }] };

  return { mail, meetings, payments };
}

/** Every secret the configuration holds, so text from an unexpected error can be scrubbed of them. */
export function secretsOf(config: Config): string[] {
  const found: (string | undefined)[] = [config.sessionSecret, config.healthzToken];
  if (config.smtp) {
    try {
      const url = new URL(config.smtp.url);
      found.push(url.password, decodeURIComponent(url.password));
    } catch { /* not parsable: config.ts refused it already */ }
  }
  if (config.meetings.provider === 'google-meet') found.push(config.meetings.google.clientSecret, config.meetings.google.refreshToken);
  if (config.meetings.provider === 'jitsi') found.push(config.meetings.jitsi.appSecret);
  if (config.payments.provider === 'stripe') found.push(config.payments.stripe.secretKey, config.payments.stripe.webhookSecret);
  // Short values (a one-letter password) would mask ordinary words; they are unlikely in an error anyway.
  return found.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

/** Text with every configured secret replaced by its masked form, and any URL's password hidden. */
export function scrubSecrets(text: string, config: Config): string {
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, '$1…@');
  for (const secret of secretsOf(config).sort((a, b) => b.length - a.length)) out = out.split(secret).join(maskSecret(secret));
  return out;
}
