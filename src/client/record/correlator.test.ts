import type { Event } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../util/clock.js';
import { COMBINED_PREFIX, type Correlation, type CorrelatorOptions, EventCorrelator } from './correlator.js';

/** A clock the steps set by hand. */
class StepClock implements Pick<Clock, 'now'> {
  t = Date.parse('2024-05-01T10:00:00Z');
  now(): number {
    return this.t;
  }
}

type EventFields = Partial<{
  message: string;
  reason: string;
  type: string;
  fieldPath: string;
  name: string;
  host: string;
  reportingInstance: string;
}>;

const event = (id: string, f: EventFields = {}): Event => ({
  metadata: { name: id, namespace: 'ns' },
  involvedObject: {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'ns',
    name: f.name ?? 'web',
    uid: 'u1',
    ...(f.fieldPath ? { fieldPath: f.fieldPath } : {}),
  },
  source: { component: 'kubelet', host: f.host ?? 'node-a' },
  type: f.type ?? 'Warning',
  reason: f.reason ?? 'BackOff',
  message: f.message ?? 'Back-off restarting failed container',
  count: 1,
  firstTimestamp: '2024-05-01T10:00:00Z',
  lastTimestamp: '2024-05-01T10:00:00Z',
  reportingComponent: 'kubelet',
  reportingInstance: f.reportingInstance ?? 'node-a',
});

/** `create e3`, `patch e0 2`, `skip`; "(combined)" when the message was folded into one. */
function show(c: Correlation): string {
  if (c.action === 'skip') return 'skip';
  const combined = c.event.message?.startsWith(COMBINED_PREFIX) ? ' (combined)' : '';
  const count = c.action === 'patch' ? ` ${c.patch.count}` : '';
  return `${c.action} ${c.event.metadata?.name}${count}${combined}`;
}

interface Step {
  /** ms since the start. */
  at?: number;
  fields?: EventFields;
  /** How many times to send it (default 1); `want` lists every answer. */
  times?: number;
  want: string | string[];
}

const same = (n: number, answer: (i: number) => string): string[] =>
  Array.from({ length: n }, (_, i) => answer(i));
const messages = (n: number): Step[] =>
  Array.from({ length: n }, (_, i) => ({ fields: { message: `m${i}` }, want: `create e${i}` }));

const cases: Array<{ name: string; options?: CorrelatorOptions; steps: Step[] }> = [
  {
    name: 'an identical event counts up the Event written first',
    steps: [{ times: 3, want: ['create e0', 'patch e0 2', 'patch e0 3'] }],
  },
  {
    name: 'fieldPath, message, reason, type and source host each make another Event',
    steps: [
      { fields: { fieldPath: 'spec.containers{app}' }, want: 'create e0' },
      { fields: { fieldPath: 'spec.containers{side}' }, want: 'create e1' },
      { fields: { fieldPath: 'spec.containers{app}', message: 'other' }, want: 'create e2' },
      { fields: { fieldPath: 'spec.containers{app}', reason: 'Failed' }, want: 'create e3' },
      { fields: { fieldPath: 'spec.containers{app}', type: 'Normal' }, want: 'create e4' },
      { fields: { fieldPath: 'spec.containers{app}', host: 'node-b' }, want: 'create e5' },
      { fields: { fieldPath: 'spec.containers{app}' }, want: 'patch e0 2' },
    ],
  },
  {
    name: 'spam: 25 at once, the rest skipped but counted; one more after 5 minutes',
    steps: [
      { times: 30, want: ['create e0', ...same(24, (i) => `patch e0 ${i + 2}`), ...same(5, () => 'skip')] },
      { at: 299_999, want: 'skip' },
      { at: 300_000 + 299_999, want: 'patch e0 32' },
      { at: 300_000 + 299_999, want: 'skip' },
    ],
  },
  {
    name: 'spam is limited per object, type and reason, not per message',
    steps: [
      ...Array.from({ length: 25 }, (_, i) => ({
        fields: { message: `probe ${i % 5}` },
        want: i < 5 ? `create e${i}` : `patch e${i % 5} ${Math.floor(i / 5) + 1}`,
      })),
      { fields: { message: 'probe 0' }, want: 'skip' },
      { fields: { message: 'a new one' }, want: 'skip' },
      { fields: { reason: 'Killing' }, want: 'create e27' },
      { fields: { type: 'Normal' }, want: 'create e28' },
      { fields: { name: 'db' }, want: 'create e29' },
    ],
  },
  {
    name: 'a smaller burst refills one token per period, never above the burst',
    options: { burst: 2, refillMs: 1000 },
    steps: [
      { times: 3, want: ['create e0', 'patch e0 2', 'skip'] },
      { at: 999, want: 'skip' },
      { at: 1000, want: 'patch e0 5' },
      { at: 10_000, times: 3, want: ['patch e0 6', 'patch e0 7', 'skip'] },
    ],
  },
  {
    name: 'the 10th distinct message of a group folds into one combined Event, counted from then on',
    steps: [
      ...messages(9),
      { fields: { message: 'm9' }, want: 'create e9 (combined)' },
      { fields: { message: 'm10' }, want: 'patch e9 2 (combined)' },
      { fields: { message: 'm11' }, want: 'patch e9 3 (combined)' },
      { fields: { message: 'm0' }, want: 'patch e0 2' },
    ],
  },
  {
    name: 'a group idle for more than 10 minutes starts over',
    steps: [...messages(9), { at: 600_001, fields: { message: 'm9' }, want: 'create e9' }],
  },
  {
    name: 'the 10-minute window rolls with each event of the group',
    steps: [
      ...messages(9).map((s, i) => ({ ...s, at: i * 300_000 })),
      { at: 8 * 300_000 + 600_000, fields: { message: 'm9' }, want: 'create e9 (combined)' },
    ],
  },
  {
    name: 'groups are per reporting instance, across container fieldPaths',
    steps: [
      ...messages(5).map((s) => ({ ...s, fields: { ...s.fields, fieldPath: 'spec.containers{a}' } })),
      ...[5, 6, 7, 8].map((i) => ({
        fields: { message: `m${i}`, fieldPath: 'spec.containers{b}' },
        want: `create e${i}`,
      })),
      { fields: { message: 'x', reportingInstance: 'other' }, want: 'create e9' },
      { fields: { message: 'y', fieldPath: 'spec.containers{c}' }, want: 'create e10 (combined)' },
    ],
  },
  {
    name: 'a small cache forgets the least recently used Events',
    options: { cacheSize: 2 },
    steps: [
      { fields: { message: 'a' }, want: 'create e0' },
      { fields: { message: 'b' }, want: 'create e1' },
      { fields: { message: 'a' }, want: 'patch e0 2' },
      { fields: { message: 'c' }, want: 'create e3' },
      { fields: { message: 'b' }, want: 'create e4' },
    ],
  },
];

describe('EventCorrelator', () => {
  it.each(cases)('$name', ({ options, steps }) => {
    const clock = new StepClock();
    const start = clock.t;
    const c = new EventCorrelator({ ...options, clock });
    let id = 0;
    const got: string[] = [];
    const want: string[] = [];
    for (const step of steps) {
      if (step.at !== undefined) clock.t = start + step.at;
      for (let i = 0; i < (step.times ?? 1); i++) got.push(show(c.correlate(event(`e${id++}`, step.fields))));
      want.push(...(Array.isArray(step.want) ? step.want : [step.want]));
    }
    expect(got).toEqual(want);
  });

  it('patches the Event as the server answered it (name, resourceVersion, count)', () => {
    const c = new EventCorrelator({ clock: new StepClock() });
    const first = c.correlate(event('e0'));
    expect(first.action).toBe('create');
    c.updateState({
      ...first.event,
      metadata: { name: 'e0', namespace: 'ns', resourceVersion: '41' },
      count: 4,
    });
    const next = c.correlate(event('e1'));
    expect(next).toMatchObject({
      action: 'patch',
      patch: { count: 5, message: 'Back-off restarting failed container' },
      event: { metadata: { name: 'e0', resourceVersion: '41' }, firstTimestamp: '2024-05-01T10:00:00Z' },
    });
  });

  it('combined events keep the source, object, type, reason and reporting fields', () => {
    const c = new EventCorrelator({ clock: new StepClock(), maxEvents: 2 });
    c.correlate(event('e0', { message: 'a' }));
    const combined = c.correlate(event('e1', { message: 'b', fieldPath: 'spec.containers{x}' }));
    expect(combined).toEqual({
      action: 'create',
      event: {
        ...event('e1', { fieldPath: 'spec.containers{x}' }),
        message: '(combined from similar events): b',
      },
    });
  });
});
