/**
 * A count with its noun: "1 session", "2 sessions", "0 sessions". The one place pages and emails
 * choose between singular and plural; pass the plural when adding "s" is wrong ("1 hour's", "2 hours'").
 */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
