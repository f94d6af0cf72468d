/** Hooks the control-room views share: a ticking clock (ages, staleness) and the city plan. */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../api.ts';
import { emptyPlan, type LoadedPlan, loadPlan } from '../plan.ts';

/** Re-renders every `everyMs` so "12 s ago" and stale greying move without new messages. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function usePlan(session: Session): LoadedPlan {
  const [plan, setPlan] = useState<LoadedPlan>({ plan: emptyPlan(), problem: null });
  useEffect(() => {
    let live = true;
    void loadPlan(session).then((p) => live && setPlan(p));
    return () => {
      live = false;
    };
  }, [session]);
  return plan;
}

/** "4 s", "3 min", "2 h 5 min": ages an operator reads at a glance. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d`;
}
