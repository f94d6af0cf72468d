/** Small shared pieces: signal lamps, times, command buttons with their outcome. */
import { useState } from 'preact/hooks';
import { api, can, type Session } from '../api.ts';

export function Heads({ groups }: { groups: Record<string, string> }) {
  return (
    <div class="heads">
      {Object.entries(groups).map(([g, s]) => (
        <span class={`lamp ${s}`} title={`${g}: ${s}`} data-group={g} data-state={s}>
          {g}
        </span>
      ))}
    </div>
  );
}

export const time = (ts: number) => new Date(ts).toLocaleTimeString();
export const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A command button: disabled below operator, shows the device's answer or the error. */
export function CommandButton(props: {
  session: Session;
  site: string;
  device: string;
  command: string;
  args: Record<string, unknown>;
  label: string;
  confirm?: string;
}) {
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    try {
      const res = await api.command(props.session, props.site, props.device, props.command, {
        ...props.args,
        by: props.session.username,
      });
      setOutcome(res.response.status === 'ok' ? 'done' : `refused: ${res.response.error?.message ?? ''}`);
    } catch (err) {
      setOutcome(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="cmd">
      <button type="button" disabled={busy || !can(props.session, 'operator')} onClick={run}>
        {props.label}
      </button>
      {outcome && <small class="outcome">{outcome}</small>}
    </span>
  );
}
