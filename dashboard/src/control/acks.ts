/** Alarm acknowledgements as the broker has them (read back from the audit log), polled. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ack, Alarm } from '../alarms.ts';
import { request, type Session } from '../api.ts';

const ACK_REFRESH_MS = 10_000;
/** Every view holding acks reloads at once when one of them acknowledges. */
const ACKS_CHANGED = 'cityedge:acks-changed';

export function useAcks(session: Session) {
  const [acks, setAcks] = useState<Map<string, Ack>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      const r = await request<{ acks: Ack[] }>('GET', '/api/alarms/acks', session);
      setAcks(new Map(r.acks.map((a) => [a.alarm, a])));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [session]);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), ACK_REFRESH_MS);
    const onChange = () => void refresh();
    addEventListener(ACKS_CHANGED, onChange);
    return () => {
      clearInterval(t);
      removeEventListener(ACKS_CHANGED, onChange);
    };
  }, [refresh]);
  const ack = async (alarm: Alarm) => {
    try {
      const a = await request<Ack>('POST', '/api/alarms/ack', session, {
        alarm: alarm.id,
        note: alarm.title,
      });
      setAcks((m) => new Map(m).set(a.alarm, a));
      dispatchEvent(new Event(ACKS_CHANGED));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  return { acks, ack, error };
}
