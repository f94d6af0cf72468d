import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BenchRun,
  type MachineInfo,
  README_BEGIN,
  README_END,
  readmeTable,
  readmeTableOf,
  renderBenchmarks,
  replaceReadmeTable,
  splitRow,
} from './report.ts';

const machine: MachineInfo = { cpu: 'Test CPU', cores: 2, ramGiB: 24, os: 'Debian 12', node: 'v20.0.0' };
const load = { min: 1.5, mean: 2.25, max: 3.5, samples: 9 };

function run(name: string, over: Partial<BenchRun> = {}): BenchRun {
  return {
    name,
    command: `npx tsx bench/${name}.bench.ts`,
    quick: false,
    startedAt: '2026-12-04T21:00:00.000Z',
    wallS: 42,
    exitCode: 0,
    load,
    machine,
    records: [],
    ...over,
  };
}

const lpr = run('lpr', {
  records: [
    {
      bench: 'lpr',
      startedAt: '2026-12-04T21:00:00.000Z',
      finishedAt: '2026-12-04T21:05:00.000Z',
      loadavg: [2, 3],
      rows: [
        {
          metric: 'exact reads | generator B',
          target: '≥ 97%',
          value: '89.4% (219/245)',
          peer: 'raw tesseract.js 11.8%',
          met: false,
          command: 'npm run bench:lpr',
        },
        {
          metric: 'p95 at 1080p',
          target: '',
          value: '301 ms',
          peer: '',
          met: null,
          command: 'npm run bench:lpr',
        },
        { metric: 'false plates', target: '≤ 1%', value: '0/55', peer: '', met: true, command: '' },
      ],
      notes: ['generator B is held out\nnever tuned on'],
    },
  ],
});

describe('docs/BENCHMARKS.md from records', () => {
  const md = renderBenchmarks(
    [run('signals', { quick: true, exitCode: 1, error: 'exit 1: boom' }), lpr],
    machine,
  );

  it('states the machine, the load during each bench, quick runs and the totals', () => {
    expect(md).toContain('Machine: Test CPU, 2 cores, 24 GiB RAM, Debian 12, Node v20.0.0');
    expect(md).toContain('1.50 / 2.25 / 3.50 (min / mean / max of 9 samples)');
    expect(md).toContain('**quick runs** (shorter, fewer samples) for signals');
    expect(md).toContain('## signals (quick)');
    expect(md).toContain('1 targets met, 1 not met, 1 figures without a target');
  });

  it('puts every figure beside its peer, verdict and command, with pipes escaped', () => {
    expect(md).toContain(
      '| exact reads \\| generator B | ≥ 97% | 89.4% (219/245) | raw tesseract.js 11.8% | **not met** | `npm run bench:lpr` |',
    );
    expect(md).toContain('| p95 at 1080p | — | 301 ms | — | — | `npm run bench:lpr` |');
    expect(md).toContain('- generator B is held out never tuned on');
  });

  it('says when a bench produced no figures, and why', () => {
    expect(md).toContain('**No figures: exit 1: boom**');
    expect(md).toMatch(
      /\| \[signals\]\(#signals-quick\) \(quick\) \| 0 \| 0 \| 0 \| 2\.25 \/ 3\.50 \| 42 s \| 1 \|/,
    );
  });

  it('the README table keeps only rows with a target, read back from the markdown', () => {
    const table = readmeTable(md);
    const rows = table.split('\n').filter((l) => l.startsWith('| lpr'));
    expect(rows).toEqual([
      '| lpr | exact reads \\| generator B | ≥ 97% | 89.4% (219/245) | raw tesseract.js 11.8% | **not met** |',
      '| lpr | false plates | ≤ 1% | 0/55 | — | met |',
    ]);
    expect(table).toContain('[docs/BENCHMARKS.md](docs/BENCHMARKS.md)');
  });

  it('splits table rows on unescaped pipes only', () => {
    expect(splitRow('| a \\| b | c |')).toEqual(['a \\| b', 'c']);
  });

  it('replaces only the text between the README markers', () => {
    const readme = `intro\n${README_BEGIN}\nold\n${README_END}\noutro\n`;
    const next = replaceReadmeTable(readme, 'new table');
    expect(next).toBe(`intro\n${README_BEGIN}\nnew table\n${README_END}\noutro\n`);
    expect(readmeTableOf(next)).toBe('new table');
    expect(() => replaceReadmeTable('no markers', 'x')).toThrow(/E_README_MARKERS/);
  });
});

describe('README benchmark table', () => {
  it('is exactly the table generated from docs/BENCHMARKS.md', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const report = readFileSync(new URL('../docs/BENCHMARKS.md', import.meta.url), 'utf8');
    expect(readmeTableOf(readme)).toBe(readmeTable(report));
  });
});
