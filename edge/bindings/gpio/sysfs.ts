/**
 * Maps a BCM line number to the legacy sysfs GPIO number. Since Linux 6.6 the sysfs numbers start at
 * the gpiochip's dynamic base (512 on Pi 0–4, 571 for the RP1 header chip on Pi 5) instead of 0, and
 * onoff passes numbers through unchanged (onoff issues #199/#200). Reading base/label/ngpio from
 * /sys/class/gpio/gpiochip* works on old and new kernels alike.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BindingError, err, ok, type Result } from '../../../core/ports/binding-error.ts';

export const DEFAULT_SYSFS_GPIO_ROOT = '/sys/class/gpio';

/** Header chips in order of preference: the Pi 5 header is on RP1, not on the SoC's bcm2712 chip. */
export const HEADER_CHIP_LABELS = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'] as const;

export interface GpioChipInfo {
  name: string;
  base: number;
  ngpio: number;
  label: string;
}

export interface SysfsMapping {
  sysfsNumber: number;
  chip: GpioChipInfo;
}

async function readChip(root: string, name: string): Promise<GpioChipInfo | null> {
  try {
    const read = (f: string) => readFile(join(root, name, f), 'utf8').then((s) => s.trim());
    const [base, ngpio, label] = await Promise.all([read('base'), read('ngpio'), read('label')]);
    const b = Number(base);
    const n = Number(ngpio);
    if (!Number.isInteger(b) || !Number.isInteger(n)) return null;
    return { name, base: b, ngpio: n, label };
  } catch {
    return null; // a chip without readable attributes is not usable; others may be
  }
}

export async function listGpioChips(root = DEFAULT_SYSFS_GPIO_ROOT): Promise<Result<GpioChipInfo[]>> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    return err(
      new BindingError(
        'GPIO_SYSFS_MISSING',
        `no GPIO sysfs tree at ${root} (kernel without CONFIG_GPIO_SYSFS, or not a Pi)`,
        e,
      ),
    );
  }
  const names = entries.filter((n) => /^gpiochip\d+$/.test(n));
  const chips = (await Promise.all(names.map((n) => readChip(root, n)))).filter((c) => c !== null);
  return ok(chips.sort((a, b) => a.base - b.base));
}

export interface MapOptions {
  sysfsRoot?: string;
  /** Force a chip label instead of the Pi header chips (other boards). */
  chipLabel?: string;
}

export function pickHeaderChip(chips: GpioChipInfo[], chipLabel?: string): GpioChipInfo | undefined {
  const wanted = chipLabel ? [chipLabel] : HEADER_CHIP_LABELS;
  for (const label of wanted) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  return undefined;
}

export async function bcmToSysfs(line: number, opts: MapOptions = {}): Promise<Result<SysfsMapping>> {
  const root = opts.sysfsRoot ?? DEFAULT_SYSFS_GPIO_ROOT;
  const listed = await listGpioChips(root);
  if (!listed.ok) return listed;
  const chip = pickHeaderChip(listed.value, opts.chipLabel);
  if (!chip) {
    const seen = listed.value.map((c) => `${c.name}:${c.label}`).join(', ') || 'none';
    return err(new BindingError('GPIO_CHIP_NOT_FOUND', `no header gpiochip under ${root} (found ${seen})`));
  }
  if (!Number.isInteger(line) || line < 0 || line >= chip.ngpio) {
    return err(
      new BindingError(
        'GPIO_LINE_OUT_OF_RANGE',
        `BCM line ${line} not in 0..${chip.ngpio - 1} on ${chip.label}`,
      ),
    );
  }
  return ok({ sysfsNumber: chip.base + line, chip });
}
