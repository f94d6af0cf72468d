/**
 * The schematic city plan: streets, car parks (free/total, FULL), intersections coloured by mode
 * and emergency-vehicle runs drawn live, all from configured coordinates (plan.ts). An SVG with a
 * fixed viewBox scales with its box, so the same drawing reads on a laptop and on a 65" wall.
 */
import { type IntersectionMode, modeOf } from '../alarms.ts';
import { type CityPlan, type Placed, placeSites, projection } from '../plan.ts';
import type { CityState, DeviceState } from '../state.ts';

const W = 1200;
const H = 680;
/** An EV position older than this is a unit that stopped reporting, not a run in progress. */
const EV_FRESH_MS = 15_000;

const MODE_LABEL: Record<IntersectionMode, string> = {
  normal: 'normal',
  preemption: 'PREEMPTION',
  flash: 'FLASH',
  offline: 'OFFLINE',
};

export function CityMap({ plan, city, now }: { plan: CityPlan; city: CityState; now: number }) {
  const placed = placeSites(plan, city, W, H);
  const project = projection(plan, W, H);
  const unplanned = placed.filter((p) => !p.planned);
  return (
    <svg
      class="citymap"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`plan of ${plan.name}`}
      data-testid="citymap"
    >
      {(plan.streets ?? []).map((s) => {
        const pts = s.points.map(([lat, lon]) => project(lat, lon));
        return (
          <g class="street">
            <polyline points={pts.map((p) => `${p.x},${p.y}`).join(' ')} />
            {pts[0] && (
              <text x={pts[0].x + 6} y={pts[0].y - 8}>
                {s.name}
              </text>
            )}
          </g>
        );
      })}
      <EvRuns plan={plan} city={city} placed={placed} project={project} now={now} />
      {placed.map((p) =>
        p.kind === 'lot' ? <LotMarker p={p} city={city} /> : <IxMarker p={p} city={city} now={now} />,
      )}
      {unplanned.length > 0 && (
        <text class="unplanned" x={20} y={H - 102}>
          reporting, not on the plan:
        </text>
      )}
    </svg>
  );
}

function deviceOf(city: CityState, key: string): DeviceState | undefined {
  const [site, device] = key.split('/');
  return city.devices[`${site}/${device}`];
}

function LotMarker({ p, city }: { p: Placed; city: CityState }) {
  const d = deviceOf(city, p.key);
  const lot = d?.lot;
  const off = d?.online === false || !lot;
  const [site, device] = p.key.split('/');
  const cls = `lotmark${lot?.full ? ' full' : ''}${off ? ' offline' : ''}`;
  return (
    <a href={`#/lot/${site}/${device}`} class={cls} data-testid={`lot-${site}-${device}`}>
      <title>{`${p.name}: ${lot ? `${lot.availableSpotNumber} of ${lot.totalSpotNumber} free` : 'no data'}`}</title>
      <rect x={p.x - 90} y={p.y - 34} width={180} height={68} rx={8} />
      <text class="name" x={p.x} y={p.y - 14}>
        {p.name}
      </text>
      <text class="count" x={p.x} y={p.y + 20}>
        <tspan data-testid="available">{lot ? lot.availableSpotNumber : '–'}</tspan>
        <tspan class="of">{` / ${lot?.totalSpotNumber ?? '–'} free`}</tspan>
      </text>
      {lot?.full && (
        <g class="fullbadge">
          <rect x={p.x + 50} y={p.y - 48} width={56} height={24} rx={4} />
          <text x={p.x + 78} y={p.y - 30}>
            FULL
          </text>
        </g>
      )}
    </a>
  );
}

function IxMarker({ p, city, now }: { p: Placed; city: CityState; now: number }) {
  const [site = '', device = '', id = ''] = p.key.split('/');
  const d = deviceOf(city, p.key);
  const x = d?.intersections[id];
  const mode: IntersectionMode = d && x ? modeOf(d, x) : 'offline';
  const eta = x?.priority && x.priority.etaTs > now && mode !== 'offline' ? x.priority.etaTs - now : null;
  return (
    <a
      href={`#/intersection/${site}/${device}/${id}`}
      class={`ixmark ${mode}`}
      data-testid={`map-ix-${id}`}
      data-mode={mode}
    >
      <title>{`${p.name}: ${mode}`}</title>
      <circle cx={p.x} cy={p.y} r={22} />
      <text class="name" x={p.x} y={p.y - 32}>
        {p.name}
      </text>
      <text class="mode" x={p.x} y={p.y + 46}>
        {MODE_LABEL[mode]}
      </text>
      {eta !== null && (
        <text class="eta" x={p.x} y={p.y + 70}>
          {`EV in ${Math.round(eta / 1000)} s`}
        </text>
      )}
    </a>
  );
}

type Project = ReturnType<typeof projection>;

/** Every active EV: its route through the plan's junctions, and the vehicle where it is now. */
function EvRuns(props: { plan: CityPlan; city: CityState; placed: Placed[]; project: Project; now: number }) {
  const { plan, city, placed, project, now } = props;
  const at = new Map(placed.map((p) => [p.key, p]));
  const units = Object.values(city.devices).flatMap((d) =>
    Object.values(d.ev ?? {}).filter((e) => e.active && now - e.ts < EV_FRESH_MS),
  );
  return (
    <g class="evruns">
      {units.map((e) => {
        const route = plan.routes.find((r) => r.routeId === e.routeId);
        const via = (route?.via ?? []).map((k) => at.get(k)).filter((p): p is Placed => !!p);
        const here = e.lat !== undefined && e.lon !== undefined ? project(e.lat, e.lon) : null;
        const line = here ? withUnit(via, here) : via;
        return (
          <g data-testid={`ev-${e.vehicleId}`}>
            {line.length > 1 && (
              <polyline class="evroute" points={line.map((p) => `${p.x},${p.y}`).join(' ')} />
            )}
            {here && (
              <g class="evunit">
                <circle cx={here.x} cy={here.y} r={11} />
                <text x={here.x} y={here.y - 56}>
                  {`${e.vehicleId} · ${route?.name ?? e.routeId} · ${Math.round(e.speedMps * 3.6)} km/h`}
                </text>
              </g>
            )}
          </g>
        );
      })}
    </g>
  );
}

type Pt = { x: number; y: number };
const dist = (a: Pt, b: Pt) => Math.hypot(a.x - b.x, a.y - b.y);

/** The route's line, extended to the unit when it is still before the first or past the last junction. */
function withUnit(via: Pt[], here: Pt): Pt[] {
  if (via.length === 0) return [];
  const first = via[0]!;
  const last = via[via.length - 1]!;
  const span = dist(first, last);
  if (dist(here, last) > span && dist(here, first) < dist(here, last)) return [here, ...via];
  if (dist(here, first) > span) return [...via, here];
  return via;
}
