/** House rules read off the real import graph: they fail the build the day someone breaks them. */
import { beforeAll, describe, expect, it } from 'vitest';
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
  /**
   * Known shapes still to fold in, each with why. The list may only shrink: parking's config Result
   * carries `errors: ParkingError[]` (every field issue at once) and InputResult has no value.
   */
  const NOT_YET = new Set([
    'controllers/parking/errors.ts: Result',
    'controllers/parking/types.ts: InputResult',
  ]);

  it('no *Result type spells out its own { ok: true … } shape outside core/ports', () => {
    const offenders: string[] = [];
    for (const { file, text } of outside()) {
      for (const m of text.matchAll(/^\s*(?:export\s+)?type\s+(\w*Result)\b[^=]*=\s*\{\s*ok:\s*true/gm)) {
        const id = `${file}: ${m[1]}`;
        if (!NOT_YET.has(id)) offenders.push(id);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('HeadState is declared once', () => {
    const decls = sourceFiles().flatMap(({ file, text }) =>
      [...text.matchAll(/^\s*(?:export\s+)?type\s+HeadState\s*=/gm)].map(() => file),
    );
    expect(decls).toEqual(['core/ports/signal-head.ts']);
  });
});
