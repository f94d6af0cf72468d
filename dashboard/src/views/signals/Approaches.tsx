/**
 * The heads of an intersection laid out around a plan of it: each approach's heads on the leg the
 * traffic comes from (southbound at the top, eastbound on the left …), as an operator looking at
 * a north-up map expects. Heads sit in a wrapping row with their label beneath, so none overlap.
 */
import type { Data } from '../../../../core/contract/index.ts';
import { type Approach, headsByApproach, type PlacedHead } from './model.ts';
import { SignalHead } from './SignalHead.tsx';

const LEG: Record<Approach, { area: string; title: string }> = {
  southbound: { area: 'north', title: 'Southbound ↓' },
  northbound: { area: 'south', title: 'Northbound ↑' },
  eastbound: { area: 'west', title: 'Eastbound →' },
  westbound: { area: 'east', title: 'Westbound ←' },
};

function Leg({ approach, heads }: { approach: Approach; heads: PlacedHead[] }) {
  const leg = LEG[approach];
  if (heads.length === 0) return <div class={`leg leg-${leg.area} empty`} />;
  return (
    <section class={`leg leg-${leg.area}`} data-testid={`approach-${approach}`}>
      <h4>{leg.title}</h4>
      <div class="leg-heads">
        {heads.map((h) => (
          <SignalHead head={h} />
        ))}
      </div>
    </section>
  );
}

export function Approaches({ heads }: { heads: Data<'signalHeads'> }) {
  const { approaches, other } = headsByApproach(heads.groups);
  return (
    <div class="approaches" data-testid="heads" data-mode={heads.mode}>
      {(Object.keys(LEG) as Approach[]).map((a) => (
        <Leg approach={a} heads={approaches[a]} />
      ))}
      <div class={`junction mode-${heads.mode}`} aria-hidden="true">
        <span>{heads.mode}</span>
      </div>
      {other.length > 0 && (
        <section class="leg leg-other">
          <h4>Other heads</h4>
          <div class="leg-heads">
            {other.map((h) => (
              <SignalHead head={h} />
            ))}
          </div>
        </section>
      )}
    </div>
  );
}
