const dayMs = 24 * 60 * 60 * 1000;

function startOfDay(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Clock time of a message, e.g. 14:05. */
export function formatTime(ts: number, language: string): string {
  return new Intl.DateTimeFormat(language, { hour: 'numeric', minute: '2-digit' }).format(ts);
}

/** Short label for the conversation list: time today, "Yesterday", weekday this week, else a date. */
export function formatListTime(ts: number, language: string, yesterday: string, now = Date.now()): string {
  const days = Math.round((startOfDay(now) - startOfDay(ts)) / dayMs);
  if (days <= 0) return formatTime(ts, language);
  if (days === 1) return yesterday;
  if (days < 7) return new Intl.DateTimeFormat(language, { weekday: 'short' }).format(ts);
  return new Intl.DateTimeFormat(language, { year: '2-digit', month: 'numeric', day: 'numeric' }).format(ts);
}

/** Divider between days in a chat. */
export function formatDay(ts: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(ts);
}

export function formatDateTime(ts: number, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(ts);
}

export function isSameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}
