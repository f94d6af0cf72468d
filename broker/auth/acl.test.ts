import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe } from './acl.ts';
import type { Identity } from './identity.ts';

const dev: Identity = { type: 'device', site: 'campus', device: 'gw-1', via: 'password' };
const viewer: Identity = { type: 'user', username: 'v', role: 'viewer' };
const operator: Identity = { type: 'user', username: 'o', role: 'operator' };

describe('ACL', () => {
  it('lets a device publish in its own subtree, including command responses, and nowhere else', () => {
    expect(canPublish(dev, 'cityedge/v1/campus/gw-1/parking/lot')).toBe(true);
    expect(canPublish(dev, 'cityedge/v1/campus/gw-1/cmd/ping/response')).toBe(true);
    expect(canPublish(dev, 'cityedge/v1/campus/gw-1/cmd/ping')).toBe(false);
    expect(canPublish(dev, 'cityedge/v1/campus/gw-2/parking/lot')).toBe(false);
    expect(canPublish(dev, 'cityedge/v1/campus/gw-1')).toBe(false);
    expect(canPublish(dev, 'cityedge/v1/_dlq/campus/gw-1')).toBe(false);
    expect(canPublish(dev, 'other/campus/gw-1/x')).toBe(false);
  });

  it('lets a device subscribe only to its own command requests', () => {
    expect(canSubscribe(dev, 'cityedge/v1/campus/gw-1/cmd/+')).toBe(true);
    expect(canSubscribe(dev, 'cityedge/v1/campus/gw-1/cmd/gate.open')).toBe(true);
    expect(canSubscribe(dev, 'cityedge/v1/campus/gw-1/cmd/#')).toBe(false);
    expect(canSubscribe(dev, 'cityedge/v1/campus/+/cmd/+')).toBe(false);
    expect(canSubscribe(dev, 'cityedge/v1/#')).toBe(false);
  });

  it('gives viewers read-only access and operators command publishing only', () => {
    expect(canSubscribe(viewer, 'cityedge/v1/#')).toBe(true);
    expect(canSubscribe(viewer, '#')).toBe(false);
    expect(canPublish(viewer, 'cityedge/v1/campus/gw-1/cmd/ping')).toBe(false);
    expect(canPublish(operator, 'cityedge/v1/campus/gw-1/cmd/ping')).toBe(true);
    expect(canPublish(operator, 'cityedge/v1/campus/gw-1/parking/lot')).toBe(false);
    expect(canPublish(operator, 'cityedge/v1/campus/gw-1/cmd/ping/response')).toBe(false);
  });
});
