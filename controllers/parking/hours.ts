/** Opening hours evaluated in the lot's time zone (pure: time comes from the caller). */
import type { LotConfig } from './config.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(nowMs: number, timeZone: string): { day: string; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(nowMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    day: get('weekday').toLowerCase().slice(0, 3),
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when no hours are configured, or `nowMs` falls in a window (windows may cross midnight). */
export function isOpenAt(lot: Pick<LotConfig, 'openingHours' | 'timezone'>, nowMs: number): boolean {
  if (lot.openingHours.length === 0) return true;
  const { day, minutes } = localParts(nowMs, lot.timezone);
  const yesterday = DAYS[(DAYS.indexOf(day as (typeof DAYS)[number]) + 6) % 7] ?? '';
  return lot.openingHours.some((w) => {
    const open = toMinutes(w.open);
    const close = toMinutes(w.close);
    const days = w.days as string[];
    if (open <= close) return days.includes(day) && minutes >= open && minutes < close;
    // Overnight window: the evening part today, or the morning part of yesterday's window.
    return (days.includes(day) && minutes >= open) || (days.includes(yesterday) && minutes < close);
  });
}
