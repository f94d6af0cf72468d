/**
 * Fetches one history query for the picked window and refreshes it while the view is open, so a
 * chart left on the wall keeps moving. The window is fixed at fetch time and returned with the
 * data, so the x axis and the rows agree.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from '../api.ts';

export interface HistoryResult<T> {
  data: T | null;
  error: string | null;
  from: number;
  to: number;
}

export function useHistory<T>(
  session: Session,
  rangeMs: number,
  path: ((from: number, to: number) => string) | null,
  key: string,
  refreshMs = 30_000,
): HistoryResult<T> {
  const [state, setState] = useState<HistoryResult<T>>(() => {
    const to = Date.now();
    return { data: null, error: null, from: to - rangeMs, to };
  });
  useEffect(() => {
    if (!path) return;
    let live = true;
    const load = () => {
      const to = Date.now();
      const from = to - rangeMs;
      api
        .get<T>(session, path(from, to))
        .then((data) => live && setState({ data, error: null, from, to }))
        .catch(
          (e: unknown) =>
            live && setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) })),
        );
    };
    load();
    const timer = setInterval(load, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [session, rangeMs, key]);
  return state;
}
