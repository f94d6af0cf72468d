/** Small shared pieces: times, percentages, command buttons behind a confirmation. */
import type { Session } from '../api.ts';
import { ConfirmCommand } from '../control/ConfirmCommand.tsx';

export const time = (ts: number) => new Date(ts).toLocaleTimeString();
export const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * A command button for operators, behind a confirmation (control/ConfirmCommand.tsx): viewers
 * see nothing, the broker refuses them anyway. `confirm` is the question the dialog asks.
 */
export function CommandButton(props: {
  session: Session;
  site: string;
  device: string;
  command: string;
  args: Record<string, unknown>;
  label: string;
  confirm?: string;
  /** Ask the operator for a reason and send it as `args.reason`. */
  reason?: boolean;
}) {
  const { confirm, ...rest } = props;
  const question = confirm ?? `${props.label}: send ${props.command} to ${props.site}/${props.device}?`;
  return <ConfirmCommand {...rest} question={question} />;
}
