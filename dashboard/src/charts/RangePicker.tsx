/** The time-window buttons above a group of charts (15 min … 24 h). */
import { RANGES, type TimeRange } from './data.ts';

export function RangePicker(props: { value: TimeRange; onChange: (r: TimeRange) => void; testid?: string }) {
  return (
    <fieldset class="range-picker" data-testid={props.testid ?? 'range'}>
      <legend class="sr-only">time range</legend>
      {RANGES.map((r) => (
        <button
          type="button"
          aria-pressed={r.label === props.value.label}
          class={r.label === props.value.label ? 'on' : ''}
          onClick={() => props.onChange(r)}
        >
          {r.label}
        </button>
      ))}
    </fieldset>
  );
}
