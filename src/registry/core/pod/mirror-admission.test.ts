import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { admitServiceAccount, mirrorPodForbiddenReason } from './admission.js';

const node = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const admin = { name: 'admin', groups: ['system:masters'] };
const mirror = (spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: {
    name: 'web-n1',
    annotations: { 'kubernetes.io/config.mirror': 'h' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u', controller: true }],
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }], ...spec },
});

describe('mirror pod admission', () => {
  it('lets a node create its own mirror pods, and anyone create ordinary pods', () => {
    expect(mirrorPodForbiddenReason(mirror(), node)).toBeUndefined();
    expect(mirrorPodForbiddenReason({ spec: { containers: [] } }, admin)).toBeUndefined();
  });

  it.each<[string, Pod, typeof node, RegExp]>([
    ['a non-node user', mirror(), admin, /may not create mirror pods/],
    ['another node', mirror({ nodeName: 'n2' }), node, /spec.nodeName set to itself/],
    [
      'a service account',
      mirror({ serviceAccountName: 'default' }),
      node,
      /may not reference service accounts/,
    ],
    ['a secret volume', mirror({ volumes: [{ name: 's', secret: { secretName: 's' } }] }), node, /secrets/],
    [
      'a configMap env',
      mirror({
        containers: [
          {
            name: 'c',
            image: 'i',
            env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
          },
        ],
      }),
      node,
      /configmaps/,
    ],
    [
      'a PVC',
      mirror({ volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }),
      node,
      /persistentvolumeclaims/,
    ],
  ])('refuses %s', (_what, pod, user, reason) => {
    expect(mirrorPodForbiddenReason(pod, user)).toMatch(reason);
  });

  it('ServiceAccount admission leaves mirror pods alone', () => {
    const pod = mirror();
    admitServiceAccount(pod);
    expect(pod.spec?.serviceAccountName).toBeUndefined();
    expect(pod.spec?.volumes).toBeUndefined();
  });
});
