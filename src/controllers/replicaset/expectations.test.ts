import { describe, expect, it } from 'vitest';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';

describe('ControllerExpectations', () => {
  it('holds an owner until every creation and deletion is seen', () => {
    const now = 0;
    const e = new ControllerExpectations(() => now);
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectCreations('ns/a', 2);
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(false);
    e.creationObserved('ns/a');
    expect(e.satisfied('ns/a')).toBe(true);
    e.expectDeletions('ns/a', ['ns/p1', 'ns/p2']);
    e.deletionObserved('ns/a', 'ns/p1');
    expect(e.satisfied('ns/a')).toBe(false);
    e.deletionObserved('ns/a', 'ns/p2');
    expect(e.satisfied('ns/a')).toBe(true);
  });

  it('gives up waiting after the expectations timeout (5 min)', () => {
    let now = 1_000;
    const e = new ControllerExpectations(() => now);
    e.expectCreations('ns/a', 1);
    now += EXPECTATIONS_TIMEOUT_MS;
    expect(e.satisfied('ns/a')).toBe(false);
    now += 1;
    expect(e.satisfied('ns/a')).toBe(true);
  });
});
