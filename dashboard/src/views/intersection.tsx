import type { Session } from '../api.ts';
import type { CityState } from '../state.ts';
import { CommandButton, Heads, pct, time } from './parts.tsx';

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
  return (
    <section>
      <h2>
        Intersection {id} <small>{x.heads?.mode}</small>
      </h2>
      {x.heads && <Heads groups={x.heads.groups} />}
      <p>
        <CommandButton
          {...target}
          command="signals.flash"
          label="flash"
          confirm="Put the intersection in flash?"
          args={{ intersection: id, reason: 'operator' }}
        />
        <CommandButton
          {...target}
          command="signals.resetFlash"
          label="reset flash"
          args={{ intersection: id }}
        />
        <CommandButton
          {...target}
          command="signals.release"
          label="release hold"
          args={{ intersection: id }}
        />
      </p>
      {x.spat && (
        <table>
          <thead>
            <tr>
              <th>ring</th>
              <th>phase</th>
              <th>interval</th>
              <th>time to change</th>
            </tr>
          </thead>
          <tbody>
            {x.spat.rings.map((r) => (
              <tr>
                <td>{r.ring}</td>
                <td>{r.phase ?? '–'}</td>
                <td>{r.interval}</td>
                <td>{r.timeToChangeMs === null ? '–' : `${(r.timeToChangeMs / 1000).toFixed(1)} s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {x.lastCycle && (
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
                  <td>{p.phase}</td>
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
      )}
      <h3>Alarms</h3>
      <ul>
        {x.alarms.map((a) => (
          <li>
            {time(a.ts)} <span class={a.latched ? 'tag bad' : 'tag'}>{a.kind}</span> {a.detail}
          </li>
        ))}
      </ul>
    </section>
  );
}
