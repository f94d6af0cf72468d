/** House rules read off the real import graph: they fail the build the day someone breaks them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { MEASUREMENTS } from '../core/contract/measurements.ts';
import { type ImportGraph, importGraph, isProduction, isTestSupport, sourceFiles } from './import-graph.ts';

let graph: ImportGraph;
beforeAll(async () => {
  graph = await importGraph();
}, 120_000);

describe('import graph', () => {
  it('parses the whole tree (guards against a glob that silently matches nothing)', () => {
    expect(graph.edges.size).toBeGreaterThan(300);
    expect(graph.edges.get('edge/agent/agent.ts')?.length).toBeGreaterThan(0);
  });

  it('has no import circles, type-only and dynamic imports included', () => {
    expect(graph.circles.map((c) => c.join(' -> '))).toEqual([]);
  });

  it('no production file imports test support (testing/ folders)', () => {
    const offenders = [...graph.edges].flatMap(([file, deps]) =>
      isProduction(file) ? deps.filter(isTestSupport).map((d) => `${file} -> ${d}`) : [],
    );
    expect(offenders).toEqual([]);
  });
});

describe('layering', () => {
  const importsOf = (pred: (file: string) => boolean) =>
    [...graph.edges].flatMap(([file, deps]) => (pred(file) ? deps.map((to) => ({ file, to })) : []));

  it('core/ imports only core/ (it is the shared contract and ports, tests included)', () => {
    const offenders = importsOf((f) => f.startsWith('core/'))
      .filter(({ to }) => !to.startsWith('core/') && !to.startsWith('node:'))
      .map(({ file, to }) => `${file} -> ${to}`);
    expect(offenders).toEqual([]);
  });

  it('controllers/ import only controllers/ and core/, and no I/O package (they are pure)', () => {
    const offenders = importsOf((f) => f.startsWith('controllers/'))
      .filter(({ to }) => !/^(controllers|core)\//.test(to) && !to.startsWith('node:'))
      .map(({ file, to }) => `${file} -> ${to}`);
    const io =
      /from '(onoff|serialport|@serialport\/[\w-]+|mqtt|influx|aedes|ws|node:(net|http|https|dgram))'/;
    for (const { file, text } of sourceFiles())
      if (file.startsWith('controllers/') && io.test(text)) offenders.push(`${file}: ${io.exec(text)?.[1]}`);
    expect(offenders).toEqual([]);
  });

  /**
   * Simulators program against core/ports (GPIO, serial, camera, plate templates, clock); they reach
   * into edge/ only to run the real thing in the loop. Each entry says which file may import what,
   * and why. An entry nobody uses any more fails too, so the list cannot rot.
   */
  const SIM_EDGE_ALLOWED: readonly { file: string; to: RegExp; why: string }[] = [
    {
      file: 'simulators/hil/session.ts',
      to: /^edge\/(agent|config)\//,
      why: 'runs the real agent on the HIL plant',
    },
    { file: 'simulators/hil/edge-config.ts', to: /^edge\/config\//, why: "writes that agent's config" },
    {
      file: 'simulators/parking/with-agent.ts',
      to: /^edge\/(agent|config)\//,
      why: 'runs the real agent on the parking world',
    },
    {
      file: 'simulators/ev/endpoint.ts',
      to: /^edge\/(agent\/signals\/feature|uplink\/commands)\.ts$/,
      why: "a junction answers priority commands through the agent's own command surface",
    },
    {
      file: 'simulators/parking/in-process.ts',
      to: /^edge\/bindings\/serial\/bus\.ts$/,
      why: "software-in-the-loop: the edge's real serial bus reads the simulated sensors' pty",
    },
  ];

  it('simulators import edge/ only where they run the real agent (or binding) in the loop', () => {
    const simToEdge = importsOf((f) => f.startsWith('simulators/')).filter(({ to }) =>
      to.startsWith('edge/'),
    );
    const offenders = simToEdge
      .filter(({ file, to }) => !SIM_EDGE_ALLOWED.some((a) => a.file === file && a.to.test(to)))
      .map(({ file, to }) => `${file} -> ${to}`);
    expect(offenders).toEqual([]);
    const unused = SIM_EDGE_ALLOWED.filter(
      (a) => !simToEdge.some(({ file, to }) => a.file === file && a.to.test(to)),
    );
    expect(unused.map((a) => a.file)).toEqual([]);
  });
});

/** The declaration text from `at` to the first blank line (enough to see a type's members). */
const declarationAt = (text: string, at: number) =>
  text.slice(at, text.indexOf('\n\n', at) >>> 0 || undefined);

describe('one Clock (core/ports/clock.ts)', () => {
  const outside = () => sourceFiles().filter((f) => !f.file.startsWith('core/ports/'));

  it('no clock type is declared outside core/ports (a view such as Clock & { freeze() } is fine)', () => {
    const offenders: string[] = [];
    for (const { file, text } of outside()) {
      for (const m of text.matchAll(/^\s*(?:export\s+)?(?:interface|type)\s+(\w*Clock)\b/gm)) {
        // A clock of its own declares a reading method; a type built from core's Clock does not.
        if (/\bnow\s*\(/.test(declarationAt(text, m.index))) offenders.push(`${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('every clock class implements or extends a core clock', () => {
    const offenders: string[] = [];
    for (const { file, text } of outside()) {
      for (const m of text.matchAll(/^\s*(?:export\s+)?class\s+(\w*Clock)\b([^{]*)\{/gm)) {
        if (!/\b(implements|extends)\b[^{]*\b(Clock|ManualClock)\b/.test(m[2] ?? ''))
          offenders.push(`${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('one Result and one HeadState (core/ports)', () => {
  const outside = () => sourceFiles().filter((f) => !f.file.startsWith('core/ports/'));
  it('no type spells out its own { ok: true … } | { ok: false … } shape outside core/ports', () => {
    const offenders: string[] = [];
    // This file names the shape in its own test titles.
    for (const { file, text } of outside().filter((f) => f.file !== 'testing/architecture.test.ts')) {
      const named = /^\s*(?:export\s+)?type\s+(\w+)\b[^=]*=\s*\{\s*ok:\s*(?:true|false)\b/gm;
      // The second arm of a union: `| { ok: …` (not `||`, which is a value).
      const arm = /(?<!\|)\|(?!\|)\s*\{\s*ok:\s*(?:true|false)\b/g;
      for (const m of text.matchAll(named)) offenders.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(arm))
        offenders.push(`${file}:${text.slice(0, m.index).split('\n').length}`);
    }
    expect([...new Set(offenders)]).toEqual([]);
  });

  it('HeadState is declared once', () => {
    const decls = sourceFiles().flatMap(({ file, text }) =>
      [...text.matchAll(/^\s*(?:export\s+)?type\s+HeadState\s*=/gm)].map(() => file),
    );
    expect(decls).toEqual(['core/ports/signal-head.ts']);
  });
});

describe('one contract (core/contract)', () => {
  it('InfluxDB measurement names are spelled only in core/contract/measurements.ts', () => {
    // Names with an underscore: `spat` or `sensor` are also topic kinds and plain words.
    const names = Object.values(MEASUREMENTS).filter((m) => m.includes('_'));
    const offenders = sourceFiles()
      .filter(({ file }) => isProduction(file) && file !== 'core/contract/measurements.ts')
      .flatMap(({ file, text }) =>
        names.filter((m) => new RegExp(`['"\`]${m}['"\`]`).test(text)).map((m) => `${file}: ${m}`),
      );
    expect(offenders).toEqual([]);
  });
});
