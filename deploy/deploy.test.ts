/**
 * The systemd unit: `systemd-analyze verify` when available (it checks every key and the
 * ExecStart binary), plus the properties the deployment promises.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const unitPath = join(import.meta.dirname, 'cityedge-edge.service');
const unit = readFileSync(unitPath, 'utf8');

/** Parses an INI-style unit into section → key → values (keys may repeat). */
function parseUnit(text: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(\w+)\]$/.exec(line);
    if (s) {
      section = s[1]!;
      out[section] = {};
      continue;
    }
    const kv = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!kv) throw new Error(`unparseable line: ${line}`);
    const sec = out[section];
    if (!sec) throw new Error(`key outside a section: ${line}`);
    sec[kv[1]!] = [...(sec[kv[1]!] ?? []), kv[2]!];
  }
  return out;
}

const hasSystemdAnalyze = spawnSync('sh', ['-c', 'command -v systemd-analyze']).status === 0;

describe('cityedge-edge.service', () => {
  const u = parseUnit(unit);

  it('runs as the non-root cityedge user with gpio and dialout, restarting always', () => {
    expect(u.Service?.User).toEqual(['cityedge']);
    const groups = (u.Service?.SupplementaryGroups ?? []).join(' ').split(/\s+/);
    expect(groups).toEqual(expect.arrayContaining(['gpio', 'dialout']));
    expect(u.Service?.Restart).toEqual(['always']);
    expect(u.Service?.EnvironmentFile?.[0]).toMatch(/^\/etc\/cityedge\//);
    expect(u.Service?.ExecStart?.[0]).toMatch(
      /\/opt\/cityedge\/dist\/edge-agent\.mjs --config \/etc\/cityedge\/site\.yaml$/,
    );
    expect(u.Service?.StandardOutput).toEqual(['journal']);
    expect(u.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  it('passes systemd-analyze verify without warnings (or a key check where it is missing)', () => {
    if (!hasSystemdAnalyze) return checkKnownKeys(u);
    const dir = mkdtempSync(join(tmpdir(), 'cityedge-unit-'));
    try {
      const copy = join(dir, 'cityedge-edge.service');
      copyFileSync(unitPath, copy);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      const aboutUs = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('cityedge-edge.service'));
      expect(aboutUs).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function checkKnownKeys(u: Record<string, Record<string, string[]>>): void {
  const known: Record<string, string[]> = {
    Unit: ['Description', 'Documentation', 'Wants', 'After', 'StartLimitIntervalSec'],
    Service: [
      ...[
        'Type',
        'User',
        'Group',
        'SupplementaryGroups',
        'WorkingDirectory',
        'EnvironmentFile',
        'Environment',
      ],
      ...['ExecStart', 'Restart', 'RestartSec', 'KillSignal', 'TimeoutStopSec', 'StandardOutput'],
      ...[
        'StandardError',
        'SyslogIdentifier',
        'StateDirectory',
        'StateDirectoryMode',
        'ConfigurationDirectory',
      ],
      ...['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'ProtectKernelModules'],
      ...['ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality', 'MemoryMax', 'WatchdogSec'],
    ],
    Install: ['WantedBy'],
  };
  for (const [section, keys] of Object.entries(u)) {
    for (const key of Object.keys(keys)) expect(known[section], `${section}.${key}`).toContain(key);
  }
}
