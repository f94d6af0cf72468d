import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerSumoSim, resolveNumber } from './cli.ts';

describe('resolveNumber (options win over environment variables)', () => {
  it('takes the first defined, non-empty candidate', () => {
    expect(resolveNumber('--port', undefined, '', '8813', '9000')).toBe(8813);
    expect(resolveNumber('--end', '600', '100')).toBe(600);
    expect(resolveNumber('--end', undefined, undefined)).toBeUndefined();
  });
  it('rejects non-numbers and negatives with a code', () => {
    expect(() => resolveNumber('--port', 'abc')).toThrow(
      expect.objectContaining({
        code: 'SIM_SUMO_BAD_OPTION',
        message: '--port: not a non-negative number: abc',
      }),
    );
    expect(() => resolveNumber('--end', '-5')).toThrow(
      expect.objectContaining({ code: 'SIM_SUMO_BAD_OPTION' }),
    );
  });
});

describe('sim sumo command', () => {
  const errors: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    errors.length = 0;
    process.exitCode = undefined;
  });
  const run = async (...args: string[]) => {
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => {
      errors.push(String(m));
    });
    const program = new Command('cityedge').exitOverride();
    registerSumoSim(program.command('sim'));
    await program.parseAsync(['node', 'cityedge', 'sim', 'sumo', ...args]);
  };

  it('reports a bad intersection file as a coded error and exit code 1, without starting SUMO', async () => {
    await run('--port', '1', '--intersection', '/nonexistent/x.yaml');
    expect(errors).toEqual([expect.stringContaining('SIM_SUMO_MAPPING_IO: cannot read /nonexistent/x.yaml')]);
    expect(process.exitCode).toBe(1);
  });

  it('refuses --tls with several intersections', async () => {
    const j = new URL('./scenarios/corridor/j1.intersection.yaml', import.meta.url).pathname;
    await run('--port', '1', '--tls', 'X', '--intersection', j, '--intersection', j);
    expect(errors).toEqual(['sim sumo: SIM_SUMO_BAD_OPTION: --tls needs exactly one --intersection']);
  });

  it('fails cleanly when nothing listens on the given port', async () => {
    await run('--port', '1', '--end', '10');
    expect(errors[0]).toMatch(/^sim sumo: TRACI_CONNECT_FAILED: cannot connect to SUMO at 127\.0\.0\.1:1/);
    expect(process.exitCode).toBe(1);
  });
});
