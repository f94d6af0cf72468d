import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeChip, PI4_NEW_KERNEL, PI5, writeFakeGpioSysfs } from '../testing/fake-sysfs.ts';
import { bcmToSysfs, listGpioChips } from './sysfs.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cityedge-sysfs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const fakeTree = (name: string, chips: FakeChip[]) => writeFakeGpioSysfs(root, name, chips);

describe('BCM → sysfs GPIO number', () => {
  it('old kernel (Pi 4, base 0): numbers are unchanged', async () => {
    const dir = await fakeTree('pi4-old', [
      { name: 'gpiochip0', base: 0, ngpio: 58, label: 'pinctrl-bcm2711' },
      { name: 'gpiochip504', base: 504, ngpio: 8, label: 'raspberrypi-exp-gpio' },
    ]);
    const r = await bcmToSysfs(17, { sysfsRoot: dir });
    expect(r.ok && r.value.sysfsNumber).toBe(17);
  });

  it('kernel ≥ 6.6 on Pi 4 (base 512, pinctrl-bcm2711): adds the base', async () => {
    const dir = await fakeTree('pi4-new', PI4_NEW_KERNEL);
    const r = await bcmToSysfs(17, { sysfsRoot: dir });
    expect(r.ok && r.value.sysfsNumber).toBe(529);
    expect(r.ok && r.value.chip.label).toBe('pinctrl-bcm2711');
  });

  it('Pi 5 (base 571, pinctrl-rp1): picks the RP1 header chip, not the SoC chip', async () => {
    const dir = await fakeTree('pi5', PI5);
    const r = await bcmToSysfs(4, { sysfsRoot: dir });
    expect(r.ok && r.value.sysfsNumber).toBe(575);
    const chips = await listGpioChips(dir);
    expect(chips.ok && chips.value.map((c) => c.base)).toEqual([512, 544, 571]);
  });

  it('line beyond ngpio → GPIO_LINE_OUT_OF_RANGE', async () => {
    const dir = await fakeTree('pi0', [
      { name: 'gpiochip512', base: 512, ngpio: 54, label: 'pinctrl-bcm2835' },
    ]);
    const r = await bcmToSysfs(54, { sysfsRoot: dir });
    expect(!r.ok && r.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
    const neg = await bcmToSysfs(-1, { sysfsRoot: dir });
    expect(!neg.ok && neg.error.code).toBe('GPIO_LINE_OUT_OF_RANGE');
  });

  it('missing tree → GPIO_SYSFS_MISSING', async () => {
    const r = await bcmToSysfs(17, { sysfsRoot: join(root, 'does-not-exist') });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('GPIO_SYSFS_MISSING');
  });

  it('no known header chip → GPIO_CHIP_NOT_FOUND naming what was found; chipLabel overrides', async () => {
    const dir = await fakeTree('other-board', [
      { name: 'gpiochip0', base: 0, ngpio: 32, label: 'gpio-sunxi' },
    ]);
    const r = await bcmToSysfs(3, { sysfsRoot: dir });
    expect(!r.ok && r.error.code).toBe('GPIO_CHIP_NOT_FOUND');
    expect(!r.ok && r.error.message).toContain('gpio-sunxi');
    const forced = await bcmToSysfs(3, { sysfsRoot: dir, chipLabel: 'gpio-sunxi' });
    expect(forced.ok && forced.value.sysfsNumber).toBe(3);
  });

  it('ignores a chip with unreadable attributes', async () => {
    const dir = await fakeTree('broken', [
      { name: 'gpiochip512', base: 512, ngpio: 58, label: 'pinctrl-bcm2711' },
    ]);
    await mkdir(join(dir, 'gpiochip600'));
    const chips = await listGpioChips(dir);
    expect(chips.ok && chips.value.map((c) => c.name)).toEqual(['gpiochip512']);
  });
});
