/**
 * The city overview for the wall and the laptop: headline figures, the schematic plan, what is
 * wrong right now (alarms), and every site in one table with the commands an operator reaches for.
 */
import { type IntersectionMode, modeOf } from '../alarms.ts';
import type { Session } from '../api.ts';
import { AlarmList } from '../control/AlarmList.tsx';
import { CityMap } from '../control/CityMap.tsx';
import { ConfirmCommand } from '../control/ConfirmCommand.tsx';
import { age, useNow, usePlan } from '../control/hooks.ts';
import type { CityPlan } from '../plan.ts';
import { type CityState, overview } from '../state.ts';

export function OverviewView({ city, session }: { city: CityState; session: Session }) {
  const { plan, problem } = usePlan(session);
  const now = useNow();
  return (
    <section class="overview">
      <Headline city={city} />
      <div class="ov-grid">
        <div class="ov-map">
          <h2>{plan.name}</h2>
          {problem && (
            <p class="error" data-testid="plan-problem">
              {problem}; reporting devices are drawn below.
            </p>
          )}
          <CityMap plan={plan} city={city} now={now} />
          <Legend />
        </div>
        <AlarmList city={city} session={session} now={now} />
      </div>
      <Sites city={city} plan={plan} session={session} now={now} />
      {city.rejected > 0 && (
        <p class="muted" title={city.lastError ?? ''}>
          {city.rejected} malformed messages ignored
        </p>
      )}
    </section>
  );
}

function Headline({ city }: { city: CityState }) {
  const o = overview(city);
  const free = o.lots.reduce((n, d) => n + (d.lot?.availableSpotNumber ?? 0), 0);
  const total = o.lots.reduce((n, d) => n + (d.lot?.totalSpotNumber ?? 0), 0);
  const modes = o.intersections.map(({ device, x }) => modeOf(device, x));
  const n = (m: IntersectionMode) => modes.filter((x) => x === m).length;
  return (
    <div class="headline" data-testid="headline">
      <Figure label="parking free" value={`${free} / ${total}`} />
      <Figure label="car parks full" value={o.lots.filter((d) => d.lot?.full).length} hot />
      <Figure label="intersections normal" value={`${n('normal')} / ${modes.length}`} />
      <Figure label="preemption" value={n('preemption')} hot />
      <Figure label="flash" value={n('flash')} hot />
      <Figure label="devices offline" value={o.offline.length} hot />
    </div>
  );
}

function Figure({ label, value, hot }: { label: string; value: string | number; hot?: boolean }) {
  return (
    <div class={`figure${hot && value !== 0 ? ' hot' : ''}`}>
      <span class="value">{value}</span>
      <span class="label">{label}</span>
    </div>
  );
}

function Legend() {
  return (
    <p class="legend">
      {(['normal', 'preemption', 'flash', 'offline'] as const).map((m) => (
        <span class={`key ${m}`}>{m}</span>
      ))}
      <span class="key ev">emergency run</span>
      <span class="key lotkey">car park free / total</span>
    </p>
  );
}

function Sites(props: { city: CityState; plan: CityPlan; session: Session; now: number }) {
  const { city, plan, session, now } = props;
  const o = overview(city);
  const name = (key: string, fallback: string) => plan.sites.find((s) => s.key === key)?.name ?? fallback;
  return (
    <div class="sites">
      <table class="sitetable" data-testid="sites">
        <thead>
          <tr>
            <th>intersection</th>
            <th>mode</th>
            <th>since</th>
            <th>latest alarm</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {o.intersections.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No intersection has reported yet.
              </td>
            </tr>
          )}
          {o.intersections.map(({ device: d, id, x }) => {
            const mode = modeOf(d, x);
            const target = { session, site: d.site, device: d.device };
            const label = name(`${d.site}/${d.device}/${id}`, id);
            return (
              <tr key={`${d.site}/${d.device}/${id}`} class={`mode-${mode}`} data-testid={`ix-${id}`}>
                <td>
                  <a href={`#/intersection/${d.site}/${d.device}/${id}`}>{label}</a>
                </td>
                <td class="mode" data-testid="mode">
                  {mode}
                  {x.heads?.mode === 'hold' && ' (hold)'}
                </td>
                <td>{x.modeSince ? age(now - x.modeSince) : '–'}</td>
                <td>{x.alarms[0] ? `${x.alarms[0].kind}${x.alarms[0].latched ? ' (latched)' : ''}` : '–'}</td>
                <td>
                  {/* Both stay mounted: a mode change must not close (or retarget) an open dialog. */}
                  <ConfirmCommand
                    {...target}
                    command="signals.flash"
                    args={{ intersection: id }}
                    label="flash"
                    question={`Put ${label} into flash?`}
                    reason
                    danger
                    disabled={mode === 'flash'}
                  />
                  <ConfirmCommand
                    {...target}
                    command="signals.resetFlash"
                    args={{ intersection: id }}
                    label="back to normal"
                    question={`Take ${label} out of flash (start-up sequence)?`}
                    disabled={mode !== 'flash'}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table class="sitetable">
        <thead>
          <tr>
            <th>car park</th>
            <th>free</th>
            <th>disabled bays free</th>
            <th>status</th>
          </tr>
        </thead>
        <tbody>
          {o.lots.map((d) => (
            <tr>
              <td>
                <a href={`#/lot/${d.site}/${d.device}`}>
                  {name(`${d.site}/${d.device}`, `${d.site}/${d.device}`)}
                </a>
              </td>
              <td>
                {d.lot?.availableSpotNumber} / {d.lot?.totalSpotNumber}
              </td>
              <td>
                {d.lot?.disabled.available} / {d.lot?.disabled.total}
              </td>
              <td>
                {d.online === false && <span class="tag bad">offline</span>}
                {d.lot?.full && <span class="tag bad">FULL</span>}
                {d.lot && d.lot.unknownSpotNumber > 0 && (
                  <span class="tag warn">{d.lot.unknownSpotNumber} unknown</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
