/**
 * One intersection as its operator watches it: heads per approach, the ring/barrier diagram with
 * time in phase, detector calls, the preemption banner, counts, ATSPM charts from history and the
 * decoded hi-res log. Pieces live in views/signals/.
 */
import type { Session } from '../api.ts';
import type { CityState, IntersectionState } from '../state.ts';
import { CommandButton, pct, time } from './parts.tsx';
import { Approaches } from './signals/Approaches.tsx';
import { AtspmCharts } from './signals/AtspmCharts.tsx';
import { HiResLog } from './signals/HiResLog.tsx';
import { callsFrom, preemptBanner, ringTimings } from './signals/model.ts';
import { RingDiagram } from './signals/RingDiagram.tsx';
import { CountsTable, DetectorCalls, PreemptBanner } from './signals/Status.tsx';
import { useNow } from '../control/hooks.ts';

export function IntersectionView(props: {
  city: CityState;
  session: Session;
  site: string;
  device: string;
  id: string;
}) {
  const { city, session, site, device, id } = props;
  const x = city.devices[`${site}/${device}`]?.intersections[id];
  if (!x) return <p class="muted">Unknown intersection {id}.</p>;
  const target = { session, site, device };
  const calls = callsFrom(x.hiRes);
  const since = x.modeSince ? ` since ${time(x.modeSince)}` : '';
  return (
    <section class="intersection" data-testid={`intersection-${id}`}>
      <h2>
        Intersection {id}{' '}
        <small class={`mode mode-${x.heads?.mode ?? 'unknown'}`} data-testid="mode">
          {x.heads?.mode ?? 'no data'}
        </small>
        <small class="muted">{since}</small>
      </h2>
      <Ticking render={(now) => <PreemptBanner banner={preemptBanner(x, now)} />} />
      <div class="signals-top">
        {x.heads ? <Approaches heads={x.heads} /> : <p class="muted">No signal heads reported yet.</p>}
        <div class="signals-side">
          <h3>Ring and barrier</h3>
          <Ticking render={(now) => <RingDiagram timings={ringTimings(x, now)} calls={calls} />} />
          <h3>Detector calls</h3>
          <DetectorCalls calls={calls} />
          <p class="commands">
            <CommandButton
              {...target}
              command="signals.flash"
              label="flash"
              confirm={`Put intersection ${id} in flash?`}
              reason
              args={{ intersection: id }}
            />
            <CommandButton
              {...target}
              command="signals.resetFlash"
              label="reset flash"
              confirm="Leave flash and restart the intersection?"
              args={{ intersection: id }}
            />
            <CommandButton
              {...target}
              command="signals.release"
              label="release hold"
              args={{ intersection: id }}
            />
          </p>
        </div>
      </div>
      <CountsTable counts={x.counts} />
      <LastCycle x={x} />
      <AtspmCharts session={session} site={site} device={device} id={id} />
      <HiResLog session={session} site={site} device={device} id={id} live={x.hiRes} />
      <Alarms x={x} />
    </section>
  );
}

/** Only the parts that count time re-render every 250 ms, not the charts and the log. */
function Ticking({ render }: { render: (now: number) => preact.JSX.Element }) {
  return render(useNow(250));
}

function LastCycle({ x }: { x: IntersectionState }) {
  if (!x.lastCycle) return null;
  return (
    <>
      <h3>Last cycle ({x.lastCycle.lengthS.toFixed(0)} s)</h3>
      <table>
        <thead>
          <tr>
            <th>phase</th>
            <th>green</th>
            <th>end</th>
            <th>AoG</th>
            <th>AoR</th>
            <th>utilisation</th>
            <th>split failure</th>
            <th>RLV</th>
          </tr>
        </thead>
        <tbody>
          {x.lastCycle.phases.map((p) => (
            <tr>
              <td>Φ{p.phase}</td>
              <td>{p.greenS.toFixed(1)} s</td>
              <td>{p.termination}</td>
              <td>{p.arrivalsOnGreen}</td>
              <td>{p.arrivalsOnRed}</td>
              <td>{pct(p.utilisation)}</td>
              <td>{p.splitFailure ? 'yes' : ''}</td>
              <td>{p.redLightViolations}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Alarms({ x }: { x: IntersectionState }) {
  if (x.alarms.length === 0) return null;
  return (
    <>
      <h3>Alarms</h3>
      <ul>
        {x.alarms.map((a) => (
          <li>
            {time(a.ts)} <span class={a.latched ? 'tag bad' : 'tag'}>{a.kind}</span> {a.detail}
          </li>
        ))}
      </ul>
    </>
  );
}
