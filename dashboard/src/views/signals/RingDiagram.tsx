/**
 * Ring-and-barrier diagram (NEMA TS2 dual ring): each ring's phases left to right, a barrier
 * between the main-street and side-street halves. The phase timing now is lit in its interval's
 * colour with a bar of time in phase against its min and max green; phases holding a call show a
 * dot. Drawn on the standard 1–8 layout: the contract carries no ring sequence.
 */
import { Fragment } from 'preact';
import { type Calls, NEMA_RINGS, type RingTiming } from './model.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function TimeBar({ t }: { t: RingTiming }) {
  const scale = Math.max(t.maxMs ?? 0, t.minMs ?? 0, t.elapsedMs, 1000) * 1.1;
  const at = (ms: number) => `${Math.min(100, (ms / scale) * 100).toFixed(1)}%`;
  return (
    <div class="timebar" data-testid={`timebar-${t.ring}`}>
      <div class={`fill ${t.interval}`} style={{ width: at(t.elapsedMs) }} />
      {t.minMs !== null && <div class="mark min" style={{ left: at(t.minMs) }} title="min" />}
      {t.maxMs !== null && <div class="mark max" style={{ left: at(t.maxMs) }} title="max" />}
    </div>
  );
}

function PhaseCell(props: { phase: number; timing: RingTiming | undefined; calls: Calls }) {
  const { phase, timing, calls } = props;
  const active = timing?.phase === phase;
  const unused = calls.seen.size > 0 && !calls.seen.has(phase) && !active;
  const cls = ['phase', active ? `on ${timing.interval}` : '', unused ? 'unused' : ''].join(' ');
  return (
    <div class={cls} data-phase={phase} data-interval={active ? timing.interval : 'idle'}>
      <div class="phase-name">
        Φ{phase}
        {calls.phases.has(phase) && <span class="call" title="call registered" />}
      </div>
      {active && (
        <>
          <div class="phase-time">
            {timing.interval} {s(timing.elapsedMs)}
          </div>
          <TimeBar t={timing} />
          <div class="phase-limits">
            {timing.minMs !== null && <span>min {s(timing.minMs)}</span>}
            {timing.maxMs !== null && <span>max {s(timing.maxMs)}</span>}
            {timing.minMs === null && timing.maxMs === null && <span>no limit</span>}
          </div>
        </>
      )}
    </div>
  );
}

export function RingDiagram({ timings, calls }: { timings: RingTiming[]; calls: Calls }) {
  return (
    <div class="rings" data-testid="rings">
      {NEMA_RINGS.map((halves, i) => {
        const timing = timings.find((t) => t.ring === i + 1);
        return (
          <div class="ring">
            <div class="ring-label">Ring {i + 1}</div>
            {halves.map((half, h) => (
              <Fragment>
                {h > 0 && <div class="barrier" title="barrier" />}
                {half.map((p) => (
                  <PhaseCell phase={p} timing={timing} calls={calls} />
                ))}
              </Fragment>
            ))}
          </div>
        );
      })}
    </div>
  );
}
