/**
 * A command behind a confirmation: the operator sees what will be sent to which device, gives a
 * reason when the command records one, and confirms. The broker audits it (who, what, the
 * device's answer) whatever the outcome. Viewers get no control at all; the broker refuses them
 * anyway (403), this only keeps the screen honest.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, can, type Session } from '../api.ts';

export interface ConfirmCommandProps {
  session: Session;
  site: string;
  device: string;
  command: string;
  args: Record<string, unknown>;
  label: string;
  /** What the dialog asks, e.g. "Put Main St & 3rd into flash?" */
  question: string;
  /** Ask for a reason and send it as `args.reason`. */
  reason?: boolean;
  danger?: boolean;
  /** Disables the button only: a dialog already open stays, for what the operator was asked. */
  disabled?: boolean;
}

type Outcome = { ok: boolean; text: string };

export function ConfirmCommand(props: ConfirmCommandProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (!can(props.session, 'operator')) return null;
  const send = async (reason: string) => {
    setBusy(true);
    try {
      const args = { ...props.args, ...(props.reason ? { reason } : {}), by: props.session.username };
      const res = await api.command(props.session, props.site, props.device, props.command, args);
      const ok = res.response.status === 'ok';
      setOutcome({ ok, text: ok ? 'done' : `refused: ${res.response.error?.message ?? 'no reason given'}` });
    } catch (e) {
      setOutcome({ ok: false, text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
      setOpen(false);
    }
  };
  return (
    <span class="cmd">
      <button
        type="button"
        class={props.danger ? 'danger' : ''}
        disabled={busy || props.disabled === true}
        onClick={() => {
          setOutcome(null);
          setOpen(true);
        }}
      >
        {props.label}
      </button>
      {outcome && <small class={`outcome ${outcome.ok ? 'ok' : 'bad'}`}>{outcome.text}</small>}
      {open && <ConfirmDialog {...props} busy={busy} onCancel={() => setOpen(false)} onConfirm={send} />}
    </span>
  );
}

function ConfirmDialog(
  props: ConfirmCommandProps & { busy: boolean; onCancel: () => void; onConfirm: (reason: string) => void },
) {
  const [reason, setReason] = useState('');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus(); // the dialog is opened to be answered: type the reason at once

    const esc = (e: KeyboardEvent) => e.key === 'Escape' && props.onCancel();
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, [props.onCancel]);
  const missing = props.reason === true && reason.trim() === '';
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-label={props.question}>
      <form
        class="confirm"
        onSubmit={(e) => {
          e.preventDefault();
          if (!missing) props.onConfirm(reason.trim());
        }}
      >
        <h3>{props.question}</h3>
        <p class="muted">
          <code>{props.command}</code> → {props.site}/{props.device}, as {props.session.username}.
          Audit-logged.
        </p>
        {props.reason && (
          <input
            name="reason"
            placeholder="reason (recorded in the audit log)"
            maxLength={200}
            ref={first}
            value={reason}
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
        )}
        <div class="actions">
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={props.busy || missing}>
            Confirm {props.label}
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
