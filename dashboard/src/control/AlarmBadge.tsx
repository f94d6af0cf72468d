/**
 * The header's alarm summary, on every page: how many critical and major alarms nobody has
 * acknowledged yet, linking to the overview's list. An operator on the parking page still sees
 * that an intersection went to flash.
 */
import { deriveAlarms } from '../alarms.ts';
import type { Session } from '../api.ts';
import type { CityState } from '../state.ts';
import { useAcks } from './acks.ts';
import { useNow } from './hooks.ts';

export function AlarmBadge({ city, session }: { city: CityState; session: Session }) {
  const { acks } = useAcks(session);
  const now = useNow(5000);
  const open = deriveAlarms(city, now).filter((a) => !acks.has(a.id));
  const critical = open.filter((a) => a.severity === 'critical').length;
  const major = open.filter((a) => a.severity === 'major').length;
  if (critical + major === 0)
    return (
      <a href="#/overview" class="alarmbadge calm" data-testid="alarm-badge">
        no open alarms
      </a>
    );
  return (
    <a
      href="#/overview"
      class={`alarmbadge ${critical > 0 ? 'critical' : 'major'}`}
      data-testid="alarm-badge"
    >
      {critical > 0 && `${critical} critical`}
      {critical > 0 && major > 0 && ' · '}
      {major > 0 && `${major} major`}
    </a>
  );
}
