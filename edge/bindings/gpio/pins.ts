/**
 * Opens a cabinet's named inputs and outputs in one go (loops, buttons, relays, load switches),
 * refusing duplicate lines and closing what was opened if any pin fails, so a bad config never
 * leaves half the lines exported.
 */
import { BindingError, err, ok, type Result } from '../../../core/ports/binding-error.ts';
import { openDigitalInput, openDigitalOutput } from './digital.ts';
import type {
  DigitalInput,
  DigitalInputOptions,
  DigitalOutput,
  DigitalOutputOptions,
  GpioBackend,
} from '../../../core/ports/gpio.ts';
import { type Clock, systemClock } from '../../../core/ports/clock.ts';

export interface PinMap {
  inputs: Record<string, Omit<DigitalInputOptions, 'name'>>;
  outputs: Record<string, Omit<DigitalOutputOptions, 'name'>>;
}

export interface OpenPins<M extends PinMap> {
  inputs: { [K in keyof M['inputs']]: DigitalInput };
  outputs: { [K in keyof M['outputs']]: DigitalOutput };
  close(): Promise<void>;
}

function duplicateLine(map: PinMap): string | null {
  const seen = new Map<number, string>();
  for (const [name, { line }] of [...Object.entries(map.inputs), ...Object.entries(map.outputs)]) {
    const other = seen.get(line);
    if (other !== undefined) return `BCM ${line} used by both ${other} and ${name}`;
    seen.set(line, name);
  }
  return null;
}

export async function openPins<M extends PinMap>(
  backend: GpioBackend,
  map: M,
  clock: Clock = systemClock,
): Promise<Result<OpenPins<M>>> {
  const dup = duplicateLine(map);
  if (dup) return err(new BindingError('GPIO_LINE_BUSY', dup));
  const opened: { close(): Promise<void> }[] = [];
  const inputs: Record<string, DigitalInput> = {};
  const outputs: Record<string, DigitalOutput> = {};
  const closeAll = async () => {
    await Promise.all(opened.map((p) => p.close().catch(() => {})));
  };
  for (const [name, opts] of Object.entries(map.inputs)) {
    const r = await openDigitalInput(backend, { ...opts, name }, clock);
    if (!r.ok) return closeAll().then(() => r);
    opened.push(r.value);
    inputs[name] = r.value;
  }
  for (const [name, opts] of Object.entries(map.outputs)) {
    const r = await openDigitalOutput(backend, { ...opts, name });
    if (!r.ok) return closeAll().then(() => r);
    opened.push(r.value);
    outputs[name] = r.value;
  }
  return ok({
    inputs: inputs as OpenPins<M>['inputs'],
    outputs: outputs as OpenPins<M>['outputs'],
    close: closeAll,
  });
}
