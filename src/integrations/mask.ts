/**
 * Secrets are never printed or shown: keys as their kind and last four characters
 * ("sk_test_…abcd"), URLs without their password. Everything a check reports goes through these.
 */
export function maskSecret(value: string | undefined | null): string {
  if (!value) return '(not set)';
  // Keep a vendor's prefix (sk_test_, sk_live_, rk_live_, whsec_) when there is one: it says which key it is.
  const prefix = /^([a-z]{2,6}_(?:(?:test|live)_)?)/.exec(value)?.[1] ?? '';
  if (value.length <= prefix.length + 8) return `${prefix}…`;
  return `${prefix}…${value.slice(-4)}`;
}

/** A URL with its password hidden: smtp://user:…@smtp.example.com:587. An unparsable value is masked whole. */
export function maskUrl(value: string | undefined | null): string {
  if (!value) return '(not set)';
  try {
    const url = new URL(value);
    if (url.password) url.password = '…';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, '…');
    }
    return url.toString().replace(/%E2%80%A6/g, '…');
  } catch {
    return maskSecret(value);
  }
}
