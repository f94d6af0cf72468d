/** Barrier state per lane: the arm drawn up, down or moving, the gate state, faults and commands. */
import type { Data } from '../../../../core/contract/index.ts';
import type { Session } from '../../api.ts';
import { CommandButton } from '../parts.tsx';

type Gate = Data<'parkingGate'>;

function Arm({ barrier }: { barrier: Gate['barrier'] }) {
  // Pivot at the post; the arm lies flat when down, stands at 80° when up.
  const angle = barrier === 'up' ? -80 : barrier === 'moving' ? -40 : barrier === 'down' ? 0 : -20;
  return (
    <svg viewBox="0 0 90 50" width="90" height="50" class={`arm ${barrier}`} aria-hidden="true">
      <rect x="4" y="26" width="12" height="22" class="post" />
      <g transform={`rotate(${angle} 10 30)`}>
        <rect x="10" y="27" width="76" height="6" rx="2" class="bar" />
      </g>
    </svg>
  );
}

export function Gates(props: { gates: Gate[]; session: Session; site: string; device: string }) {
  const target = { session: props.session, site: props.site, device: props.device };
  if (props.gates.length === 0) return null;
  return (
    <section class="gates">
      <h3>Barriers</h3>
      <div class="gate-list">
        {[...props.gates]
          .sort((a, b) => a.lane.localeCompare(b.lane))
          .map((g) => (
            <div
              class={`gate${g.fault ? ' fault' : ''}`}
              data-testid={`gate-${g.lane}`}
              data-barrier={g.barrier}
            >
              <Arm barrier={g.barrier} />
              <div>
                <strong>{g.lane}</strong> <small class="muted">{g.direction}</small>
                <div>
                  barrier <b>{g.barrier}</b> · {g.state}
                </div>
                {g.fault && <span class="tag bad">{g.fault}</span>}
                <div>
                  <CommandButton
                    {...target}
                    command="gate.open"
                    label="open"
                    confirm={`Open the barrier of ${g.lane}?`}
                    reason
                    args={{ lane: g.lane }}
                  />
                  <CommandButton
                    {...target}
                    command="gate.close"
                    label="close"
                    confirm={`Close the barrier of ${g.lane}?`}
                    reason
                    args={{ lane: g.lane }}
                  />
                </div>
              </div>
            </div>
          ))}
      </div>
    </section>
  );
}
