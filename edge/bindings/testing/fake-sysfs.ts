/** Writes /sys/class/gpio look-alikes for tests of the sysfs numbering (kernel ≥ 6.6 bases). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeChip {
  name: string;
  base: number;
  ngpio: number;
  label: string;
}

export const PI4_NEW_KERNEL: FakeChip[] = [
  { name: 'gpiochip512', base: 512, ngpio: 58, label: 'pinctrl-bcm2711' },
  { name: 'gpiochip570', base: 570, ngpio: 8, label: 'raspberrypi-exp-gpio' },
];

export const PI5: FakeChip[] = [
  { name: 'gpiochip512', base: 512, ngpio: 32, label: 'pinctrl-bcm2712' },
  { name: 'gpiochip544', base: 544, ngpio: 27, label: 'pinctrl-bcm2712' },
  { name: 'gpiochip571', base: 571, ngpio: 54, label: 'pinctrl-rp1' },
];

/** Creates `<root>/<name>/sys/class/gpio` with the chips; returns that gpio directory. */
export async function writeFakeGpioSysfs(root: string, name: string, chips: FakeChip[]): Promise<string> {
  const dir = join(root, name, 'sys', 'class', 'gpio');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'export'), '');
  await writeFile(join(dir, 'unexport'), '');
  for (const c of chips) {
    await mkdir(join(dir, c.name));
    await writeFile(join(dir, c.name, 'base'), `${c.base}\n`);
    await writeFile(join(dir, c.name, 'ngpio'), `${c.ngpio}\n`);
    await writeFile(join(dir, c.name, 'label'), `${c.label}\n`);
  }
  return dir;
}
