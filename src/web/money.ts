// One formatter per currency: building an Intl.NumberFormat per call was 27% of the CPU time of a
// busy dashboard (measured with --cpu-prof; see bench/RESULTS.md).
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** "$45.00" */
export function formatMoney(cents: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) moneyFormats.set(currency, (f = new Intl.NumberFormat('en-US', { style: 'currency', currency })));
  return f.format(cents / 100);
}
