/** A clock for countdowns and time-in-phase bars: re-renders the caller every `everyMs`. */
import { useEffect, useState } from 'preact/hooks';

export function useNow(everyMs = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
