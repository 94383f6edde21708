import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { newStatefulSetPod } from './identity.js';
import { revisionForNewPod } from './plan.js';
import {
  applyRevision,
  newRevision,
  planUpdateRevision,
  revisionData,
  revisionTemplate,
  revisionsToTruncate,
} from './revisions.js';

const set = (image: string, extra: Partial<StatefulSet['spec']> = {}): StatefulSet => ({
  metadata: { name: 'web', namespace: 'default', uid: 'u1', annotations: { note: 'x' } },
  spec: {
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
    ...extra,
  },
});

/** A stored revision of `image` as number `n`. */
const stored = (image: string, n: number): ControllerRevision => newRevision(set(image), n, 0);

describe('StatefulSet revisions', () => {
  it('holds the template as a replacing patch, and gives it back', () => {
    const data = revisionData(set('a'));
    expect(data).toEqual({
      spec: {
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'a' }] },
          $patch: 'replace',
        },
      },
    });
    const rev = stored('a', 1);
    expect(rev.metadata?.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rev.metadata?.annotations).toEqual({ note: 'x' });
    expect(revisionTemplate(rev)).toEqual(set('a').spec?.template);
    expect(applyRevision(set('b'), rev).spec?.template.spec?.containers[0]?.image).toBe('a');
  });

  it.each<[string, ControllerRevision[], string, { kind: string; name?: string; number?: number }]>([
    ['no history: create revision 1', [], 'a', { kind: 'create', number: 1 }],
    ['latest equal: reuse it', [stored('a', 1)], 'a', { kind: 'existing', number: 1 }],
    ['template changed: create the next', [stored('a', 1)], 'b', { kind: 'create', number: 2 }],
    [
      'rolled back to an older template: renumber it',
      [stored('a', 1), stored('b', 2)],
      'a',
      { kind: 'renumber', number: 3, name: stored('a', 1).metadata?.name ?? '' },
    ],
  ])('%s', (_name, history, image, want) => {
    const step = planUpdateRevision(set(image), history);
    expect(step.kind).toBe(want.kind);
    if (step.kind === 'renumber') {
      expect(step.to).toBe(want.number);
      expect(step.revision.metadata?.name).toBe(want.name);
    } else expect(step.revision.revision).toBe(want.number);
  });

  it('prunes the oldest revisions no pod runs beyond revisionHistoryLimit, never current or update', () => {
    const history = [1, 2, 3, 4, 5].map((n) => stored(`img${n}`, n));
    const name = (n: number) => history[n - 1]?.metadata?.name ?? '';
    const podAt = (n: number): Pod => newStatefulSetPod(set('x'), 0, name(n));
    const names = (revs: ControllerRevision[]) => revs.map((r) => r.revision);
    const limited = set('x', { revisionHistoryLimit: 1 });
    expect(names(revisionsToTruncate(limited, [], history, [name(5), name(5)]))).toEqual([1, 2, 3]);
    expect(names(revisionsToTruncate(limited, [podAt(1)], history, [name(4), name(5)]))).toEqual([2]);
    expect(names(revisionsToTruncate(set('x', { revisionHistoryLimit: 10 }), [], history, []))).toEqual([]);
  });

  it.each<[string, Partial<StatefulSet['spec']>, number, 'current' | 'update']>([
    [
      'below the partition',
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      1,
      'current',
    ],
    [
      'at the partition',
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      2,
      'update',
    ],
    [
      'partition 0',
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } },
      0,
      'update',
    ],
    ['OnDelete', { updateStrategy: { type: 'OnDelete' } }, 0, 'update'],
  ])('new pods %s get the %s revision', (_n, spec, ordinal, want) => {
    expect(revisionForNewPod(set('x', spec), ordinal, 0)).toBe(want);
  });
});
