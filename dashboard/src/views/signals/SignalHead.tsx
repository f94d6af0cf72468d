/**
 * One signal head drawn as an operator knows it: a three-section vehicle head (arrows in every
 * section for a left-turn head, MUTCD 4D) or a two-section pedestrian head (hand / person,
 * MUTCD 4E). Flashing states blink by CSS. The state is mirrored in data-* for the browser tests.
 */
import type { HeadState, PlacedHead } from './model.ts';

type Lamp = 0 | 1 | 2; // red, yellow, green (top to bottom)
const LIT: Partial<Record<HeadState, Lamp>> = {
  red: 0,
  redArrow: 0,
  flashingRed: 0,
  yellow: 1,
  yellowArrow: 1,
  flashingYellow: 1,
  flashingYellowArrow: 1,
  green: 2,
  greenArrow: 2,
};
const COLOR = ['red', 'yellow', 'green'] as const;
const FLASHING = new Set<HeadState>([
  'flashingRed',
  'flashingYellow',
  'flashingYellowArrow',
  'flashingDontWalk',
]);

/** Left arrow centred on (cx, cy). */
const arrow = (cx: number, cy: number) =>
  `M${cx + 6} ${cy - 2}H${cx - 1}V${cy - 6}L${cx - 7} ${cy}L${cx - 1} ${cy + 6}V${cy + 2}H${cx + 6}Z`;

function VehicleLamps({ head }: { head: PlacedHead }) {
  const lit = LIT[head.state];
  const flash = FLASHING.has(head.state);
  const isArrow = head.movement === 'left' || head.state.endsWith('Arrow');
  return (
    <svg viewBox="0 0 28 82" width="28" height="82" aria-hidden="true">
      <rect x="1" y="1" width="26" height="80" rx="5" class="housing" />
      {([0, 1, 2] as const).map((i) => {
        const cy = 14 + i * 27;
        const on = lit === i;
        const cls = `lamp-${COLOR[i]}${on ? ' on' : ''}${on && flash ? ' flash' : ''}`;
        return isArrow ? (
          <g class={cls}>
            <circle cx="14" cy={cy} r="11" class="lens" />
            <path d={arrow(14, cy)} class="glyph" />
          </g>
        ) : (
          <circle cx="14" cy={cy} r="11" class={`${cls} lens ball`} />
        );
      })}
    </svg>
  );
}

function PedLamps({ head }: { head: PlacedHead }) {
  const hand = head.state === 'dontWalk' || head.state === 'flashingDontWalk';
  const walk = head.state === 'walk';
  const flash = head.state === 'flashingDontWalk' ? ' flash' : '';
  return (
    <svg viewBox="0 0 28 58" width="28" height="58" aria-hidden="true">
      <rect x="1" y="1" width="26" height="56" rx="4" class="housing" />
      <g class={`ped-hand${hand ? ' on' : ''}${flash}`}>
        <rect x="8" y="10" width="12" height="12" rx="2" />
        <rect x="8" y="5" width="2.5" height="7" />
        <rect x="11.5" y="4" width="2.5" height="7" />
        <rect x="15" y="4.5" width="2.5" height="7" />
        <rect x="5" y="13" width="4" height="2.5" />
      </g>
      <g class={`ped-walk${walk ? ' on' : ''}`}>
        <circle cx="14" cy="33" r="2.6" />
        <path d="M14 36L13 44L9 52M13 44L18 51M14 38L9 42M14 38L19 41" />
      </g>
    </svg>
  );
}

export function SignalHead({ head }: { head: PlacedHead }) {
  return (
    <figure
      class="sig-head"
      data-group={head.group}
      data-state={head.state}
      title={`${head.group}: ${head.state}`}
      aria-label={`${head.group}: ${head.state}`}
    >
      {head.movement === 'ped' ? <PedLamps head={head} /> : <VehicleLamps head={head} />}
      <figcaption>{head.label}</figcaption>
    </figure>
  );
}
