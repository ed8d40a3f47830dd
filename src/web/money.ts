// One formatter per currency: building an Intl.NumberFormat per call was 27% of the CPU time of a
// busy dashboard (measured with --cpu-prof; see bench/RESULTS.md).
const moneyFormats = new Map<string, { format: Intl.NumberFormat; texts: Map<number, string> }>();

// Intl throws a RangeError on a code that is not three letters. Our own prices always have one, but a
// refused payment is shown as it arrived, and a page must not fail on what someone else sent us.
const CURRENCY_CODE = /^[A-Za-z]{3}$/;

/** "$45.00"; an amount in something that is not a currency code is shown as "45.00 (code)". */
export function formatMoney(cents: number, currency: string): string {
  if (!CURRENCY_CODE.test(currency)) return `${(cents / 100).toFixed(2)} (${currency.slice(0, 12) || 'no currency'})`;
  let f = moneyFormats.get(currency);
  if (!f) {
    f = { format: new Intl.NumberFormat('en-US', { style: 'currency', currency }), texts: new Map() };
    moneyFormats.set(currency, f);
  }
  // Prices repeat (a list shows the same few on every row) and format() goes through ICU every time.
  let text = f.texts.get(cents);
  if (text === undefined) {
    text = f.format.format(cents / 100);
    if (f.texts.size >= 10_000) f.texts.clear();
    f.texts.set(cents, text);
  }
  return text;
}
