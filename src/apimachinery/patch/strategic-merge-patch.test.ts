/** Strategic merge patch with the patches kubectl really sends. */
import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { definitions, podSchema } from './testing/definitions.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const livePod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '5',
    labels: { app: 'web' },
    annotations: { [LAST_APPLIED]: '{"old":true}\n', note: 'keep' },
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'nginx:1.25',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        imagePullPolicy: 'IfNotPresent',
        resources: {},
      },
      {
        name: 'sidecar',
        image: 'busybox:1.36',
        args: ['sleep', 'infinity'],
        imagePullPolicy: 'IfNotPresent',
      },
    ],
    restartPolicy: 'Always',
    tolerations: [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ],
  },
  status: { phase: 'Running' },
});

type Pod = ReturnType<typeof livePod>;

const smp = (patch: unknown, original: unknown = livePod()): Pod =>
  strategicMergePatch(original, patch, podSchema, definitions) as Pod;

/** The live pod with `edit` applied to a copy. */
const expected = (edit: (p: Pod) => void): Pod => {
  const p = livePod();
  edit(p);
  return p;
};

describe('strategic merge patch: what kubectl sends', () => {
  it('kubectl label pod web a=b', () => {
    expect(smp({ metadata: { labels: { a: 'b' } } })).toEqual(
      expected((p) => {
        p.metadata.labels = { app: 'web', a: 'b' } as Pod['metadata']['labels'];
      }),
    );
  });

  it('kubectl label pod web app- (removal)', () => {
    expect(smp({ metadata: { labels: { app: null } } }).metadata.labels).toEqual({});
  });

  it('kubectl annotate --overwrite pod web note-', () => {
    expect(smp({ metadata: { annotations: { note: null } } }).metadata.annotations).toEqual({
      [LAST_APPLIED]: '{"old":true}\n',
    });
  });

  it('second kubectl apply: image changed, env var removed', () => {
    const patch = {
      metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [
          {
            '$setElementOrder/env': [{ name: 'A' }],
            env: [{ $patch: 'delete', name: 'B' }],
            image: 'nginx:1.26',
            name: 'app',
          },
        ],
      },
    };
    expect(smp(patch)).toEqual(
      expected((p) => {
        p.metadata.annotations[LAST_APPLIED] = '{"new":true}\n';
        const app = p.spec.containers[0] as Pod['spec']['containers'][0];
        app.image = 'nginx:1.26';
        app.env = [{ name: 'A', value: '1' }];
      }),
    );
  });

  it('kubectl apply inserting an env var in the middle and a container at the front', () => {
    const patch = {
      spec: {
        '$setElementOrder/containers': [{ name: 'init' }, { name: 'app' }, { name: 'sidecar' }],
        containers: [
          { name: 'init', image: 'alpine' },
          {
            '$setElementOrder/env': [{ name: 'A' }, { name: 'C' }, { name: 'B' }],
            env: [{ name: 'C', value: '3' }],
            name: 'app',
          },
        ],
      },
    };
    const out = smp(patch);
    expect(out.spec.containers.map((c) => c.name)).toEqual(['init', 'app', 'sidecar']);
    expect(out.spec.containers[1]?.env?.map((e) => e.name)).toEqual(['A', 'C', 'B']);
  });

  it('kubectl apply reordering without content changes', () => {
    const out = smp({ spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } });
    expect(out.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'app']);
  });

  it('kubectl edit: label added, env value changed, tolerations replaced, field removed', () => {
    const patch = {
      metadata: { labels: { tier: 'fe' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
        containers: [
          {
            '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }],
            env: [{ name: 'A', value: '9' }],
            imagePullPolicy: null,
            name: 'app',
          },
        ],
        tolerations: [{ effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'x' }],
      },
    };
    expect(smp(patch)).toEqual(
      expected((p) => {
        (p.metadata.labels as Record<string, string>).tier = 'fe';
        const app = p.spec.containers[0] as Record<string, unknown>;
        app.env = [
          { name: 'A', value: '9' },
          { name: 'B', value: '2' },
        ];
        delete app.imagePullPolicy;
        (p.spec as Record<string, unknown>).tolerations = [
          { effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'x' },
        ];
      }),
    );
  });

  it('kubectl patch: $patch: delete of a container', () => {
    const out = smp({ spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
    expect(out.spec.containers).toEqual([livePod().spec.containers[0]]);
  });

  it('kubectl patch: a new container lands before the existing ones (as upstream)', () => {
    const out = smp({ spec: { containers: [{ name: 'redis', image: 'redis' }] } });
    expect(out.spec.containers.map((c) => c.name)).toEqual(['redis', 'app', 'sidecar']);
  });

  it('kubectl patch: changing one container keeps the live order', () => {
    const out = smp({ spec: { containers: [{ name: 'sidecar', image: 'busybox:1.37' }] } });
    expect(out.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['app', 'nginx:1.25'],
      ['sidecar', 'busybox:1.37'],
    ]);
    expect(out.spec.containers[1]?.args).toEqual(['sleep', 'infinity']);
  });

  it('kubectl patch --type=strategic with the whole container list in a new order', () => {
    const out = smp({ spec: { containers: [{ name: 'sidecar' }, { name: 'app' }] } });
    expect(out.spec.containers.map((c) => c.name)).toEqual(['sidecar', 'app']);
  });

  it('leaves the original and the patch untouched, and shares nothing with the patch', () => {
    const original = livePod();
    const patch = { spec: { containers: [{ name: 'new', env: [{ name: 'X', value: 'y' }] }] } };
    const patchCopy = structuredClone(patch);
    const out = smp(patch, original);
    expect(original).toEqual(livePod());
    expect(patch).toEqual(patchCopy);
    (out.spec.containers[0]?.env?.[0] as { value: string }).value = 'changed';
    expect(patch.spec.containers[0]?.env[0]?.value).toBe('y');
  });
});
