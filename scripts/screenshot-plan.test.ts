import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GALLERY_BEGIN,
  GALLERY_END,
  galleryOf,
  missedRoutes,
  placeholdersIn,
  planLinks,
  renderGallery,
  replaceGallery,
  routeOfHref,
  routesInSource,
  type Shot,
  titleOf,
} from './screenshot-plan.ts';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('routes', () => {
  it('reads the default view and every case of the route switch, in order, once each', () => {
    const src = `const [view = 'overview', ...arg] = x;\nswitch (v) {\n  case 'lot':\n  case 'audit': return a;\n  case 'lot': return b;\n}`;
    expect(routesInSource(src)).toEqual(['overview', 'lot', 'audit']);
  });

  it('finds the views of the real dashboard/src/main.tsx (guards against a parser that matches nothing)', () => {
    const routes = routesInSource(read('dashboard/src/main.tsx'));
    expect(routes[0]).toBe('overview');
    expect(routes).toEqual(expect.arrayContaining(['lot', 'intersection', 'history']));
  });

  it('takes the route from a hash link and ignores other links', () => {
    expect(routeOfHref('#/intersection/downtown/cab-1/main-and-3rd')).toBe('intersection');
    expect(routeOfHref('#history')).toBe('history');
    expect(routeOfHref('https://example.org/')).toBeUndefined();
    expect(routeOfHref('#')).toBeUndefined();
  });

  it('plans the first link of each route, in discovery order', () => {
    const a = planLinks(
      [],
      [
        { href: '#/overview', text: 'Overview' },
        { href: '#/lot/campus/gw-1', text: 'gw-1' },
        { href: '#/lot/riverside/gw-2', text: 'gw-2' },
      ],
    );
    const b = planLinks(a, [
      { href: '#/overview', text: 'Overview' },
      { href: '#/audit', text: 'Audit' },
    ]);
    expect(b.map((l) => l.href)).toEqual(['#/overview', '#/lot/campus/gw-1', '#/audit']);
  });

  it('reports the routes no shot covers', () => {
    expect(missedRoutes(['overview', 'lot', 'health'], [{ route: 'lot' }])).toEqual(['overview', 'health']);
  });
});

describe('captions and placeholders', () => {
  it('uses short navigation text (a count badge in it falls back to the route), else the route and its last argument', () => {
    expect(titleOf({ href: '#/history', text: ' History ' })).toBe('History');
    expect(titleOf({ href: '#/events', text: 'Events12' })).toBe('Events');
    expect(titleOf({ href: '#/lot/campus/gw-1', text: 'campus / gw-1 2 / 24 free disabled bays free' })).toBe(
      'Lot — gw-1',
    );
    expect(titleOf({ href: '#/intersection/d/c/main-and-3rd', text: 'main-and-3rd 1234' })).toBe(
      'Intersection — main-and-3rd',
    );
  });

  it('spots what a view shows before its data arrives', () => {
    expect(placeholdersIn('Car parks\nNo car park has reported yet.\nIntersections\nLoading…')).toEqual([
      'No car park has reported yet',
      'Loading',
    ]);
    expect(placeholdersIn('Car parks 12 / 24 free, Main St & 3rd Ave normal')).toEqual([]);
  });
});

describe('README gallery', () => {
  const shots: Shot[] = [
    { route: 'overview', href: '#/overview', title: 'Overview', file: 'docs/screenshots/overview.png' },
    { route: 'lot', href: '#/lot/a/b', title: 'Lot — b', file: 'docs/screenshots/lot.png' },
    { route: 'history', href: '#/history', title: 'History', file: 'docs/screenshots/history.png' },
  ];

  it('puts two screenshots per row, each linking to its file, and pads an odd last row', () => {
    const rows = renderGallery(shots, '2026-12-07 21:00 UTC')
      .split('\n')
      .filter((l) => l.includes('!['));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe(
      '| [![Overview](docs/screenshots/overview.png)](docs/screenshots/overview.png)<br>**Overview** `#/overview` | [![Lot — b](docs/screenshots/lot.png)](docs/screenshots/lot.png)<br>**Lot — b** `#/lot/a/b` |',
    );
    expect(rows[1]?.split(' | ')).toHaveLength(2);
  });

  it('replaces only the block between its markers', () => {
    const readme = `top\n${GALLERY_BEGIN}\nold\n${GALLERY_END}\nbottom\n`;
    const next = replaceGallery(readme, 'new');
    expect(next).toBe(`top\n${GALLERY_BEGIN}\nnew\n${GALLERY_END}\nbottom\n`);
    expect(galleryOf(next)).toBe('new');
    expect(() => replaceGallery('no markers', 'x')).toThrow(/E_README_MARKERS/);
  });
});

describe('committed screenshots', () => {
  const index = JSON.parse(read('docs/screenshots/index.json')) as {
    takenAt: string;
    shots: Shot[];
    missed: string[];
  };

  it('the README gallery is the one rendered from docs/screenshots/index.json', () => {
    expect(galleryOf(read('README.md'))).toBe(renderGallery(index.shots, index.takenAt));
  });

  it('every listed file exists and no PNG in the folder is unlisted', () => {
    for (const s of index.shots) expect(existsSync(new URL(`../${s.file}`, import.meta.url))).toBe(true);
    const pngs = readdirSync(new URL('../docs/screenshots/', import.meta.url)).filter((f) =>
      f.endsWith('.png'),
    );
    expect(pngs.sort()).toEqual(index.shots.map((s) => s.file.replace('docs/screenshots/', '')).sort());
  });
});
