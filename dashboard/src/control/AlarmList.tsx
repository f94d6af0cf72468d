/**
 * The alarm list: what is wrong right now, by priority, with acknowledge for operators. An
 * acknowledgement is an audited statement (`POST /api/alarms/ack`); the set is read back from
 * the broker so every screen in the room (and a reload) agrees on it.
 */
import { deriveAlarms, sortAlarms } from '../alarms.ts';
import { can, type Session } from '../api.ts';
import { useAcks } from './acks.ts';
import type { CityState } from '../state.ts';
import { age } from './hooks.ts';

export function AlarmList({ city, session, now }: { city: CityState; session: Session; now: number }) {
  const { acks, ack, error } = useAcks(session);
  const alarms = sortAlarms(deriveAlarms(city, now), acks);
  const open = alarms.filter((a) => !acks.has(a.id)).length;
  const operator = can(session, 'operator');
  return (
    <section class="alarms" data-testid="alarms" aria-label="alarms">
      <h2>
        Alarms <span class={open > 0 ? 'count hot' : 'count'}>{open} open</span>
      </h2>
      {error && <p class="error">{error}</p>}
      {alarms.length === 0 && <p class="muted">Nothing wrong right now.</p>}
      <ol>
        {alarms.map((a) => {
          const acked = acks.get(a.id);
          return (
            <li
              class={`alarm ${a.severity}${acked ? ' acked' : ''}`}
              data-alarm={a.id}
              data-severity={a.severity}
            >
              <span class="sev">{a.severity}</span>
              <a class="what" href={a.href} title={a.detail}>
                {a.title}
              </a>
              <span class="when">{age(now - a.ts)} ago</span>
              <span class="detail">{a.detail}</span>
              {acked ? (
                <span class="ackby">ack {acked.by}</span>
              ) : (
                operator && (
                  <button type="button" class="ack" onClick={() => void ack(a)}>
                    acknowledge
                  </button>
                )
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
