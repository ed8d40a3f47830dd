import { describe, expect, it } from 'vitest';
import { formatReport, reportOf } from '../src/integrations/check';
import { maskSecret, maskUrl } from '../src/integrations/mask';

describe('masking secrets', () => {
  it('keeps a key\'s kind and last four characters only', () => {
    expect(maskSecret('sk_test_51Habcdefghijklmnopqrstuvwxyzabcd')).toBe('sk_test_…abcd');
    expect(maskSecret('sk_live_51Hzzzzzzzzzzzzzzzzzzzz9876')).toBe('sk_live_…9876');
    expect(maskSecret('whsec_0123456789abcdefWXYZ')).toBe('whsec_…WXYZ');
    expect(maskSecret('1//0gLongGoogleRefreshTokenQRST')).toBe('…QRST');
    expect(maskSecret('sk_test_short')).toBe('sk_test_…');
    expect(maskSecret('')).toBe('(not set)');
    expect(maskSecret(undefined)).toBe('(not set)');
  });

  it('hides a URL\'s password and secret-looking parameters', () => {
    expect(maskUrl('smtp://mailer:hunter2-long-password@smtp.example.com:587')).toBe('smtp://mailer:…@smtp.example.com:587');
    expect(maskUrl('smtps://smtp.example.com')).toBe('smtps://smtp.example.com');
    expect(maskUrl('https://meet.example.com/?token=abc&room=x')).toBe('https://meet.example.com/?token=…&room=x');
    expect(maskUrl('not a url but a secret sk_test_abcdefghijkl')).not.toContain('abcdefgh');
  });
});

describe('check reports', () => {
  it('print one line per step, the fix with a failed step, then the summary', () => {
    const report = reportOf({
      integration: 'mail', startedAt: new Date(),
      summary: { ok: 'Mail works.', failed: 'Mail does not work' },
      steps: [
        { label: 'Transport', outcome: 'ok', detail: 'SMTP smtp://u:…@127.0.0.1:2525' },
        { label: 'Log-in', outcome: 'failed', detail: '535 Authentication failed', fix: 'Check the user and password in SMTP_URL.' },
      ],
    });
    expect(report.ok).toBe(false);
    expect(formatReport(report).split('\n')).toEqual([
      '✓ Transport: SMTP smtp://u:…@127.0.0.1:2525',
      '✗ Log-in: 535 Authentication failed Check the user and password in SMTP_URL.',
      'Mail does not work: log-in failed.',
    ]);
  });
});
