import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { conflict, notFound } from '../../apimachinery/errors.js';
import { newLogger } from '../../util/log.js';
import { staticPodsOf } from '../config/file.js';
import { CONFIG_MIRROR_ANNOTATION } from '../config/sources.js';
import { FakeClock } from '../nodestatus/fake-clock.js';
import { MirrorClient, mirrorPodOf, type MirrorPodsApi } from './mirror-client.js';

const manifest = (image: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
const staticPod = (image = 'busybox'): Pod => staticPodsOf(manifest(image), '/m/web.yaml', 'n1')[0] as Pod;

/** An in-memory pods API (uid preconditions honoured) that records calls and can be "down". */
function fakeApi() {
  const pods = new Map<string, Pod>();
  const calls: string[] = [];
  let n = 0;
  const state = { down: false };
  const check = () => {
    if (state.down) throw new Error('connection refused');
  };
  const api: MirrorPodsApi = {
    async get(name) {
      check();
      const cur = pods.get(name);
      if (!cur) throw notFound({ group: '', resource: 'pods' }, name);
      return cur;
    },
    async create(pod) {
      check();
      const created = { ...pod, metadata: { ...pod.metadata, uid: `m${++n}` } };
      pods.set(pod.metadata?.name ?? '', created);
      calls.push(`create ${pod.metadata?.name}`);
      return created;
    },
    async updateStatus(pod) {
      check();
      const cur = pods.get(pod.metadata?.name ?? '');
      if (!cur) throw notFound({ group: '', resource: 'pods' }, pod.metadata?.name ?? '');
      pods.set(pod.metadata?.name ?? '', { ...cur, ...(pod.status ? { status: pod.status } : {}) });
      calls.push(`status ${pod.metadata?.name} ${pod.status?.phase}`);
      return cur;
    },
    async delete(name, options) {
      check();
      const cur = pods.get(name);
      if (!cur) throw notFound({ group: '', resource: 'pods' }, name);
      const uid = options.preconditions?.uid;
      if (uid && uid !== cur.metadata?.uid) throw conflict({ group: '', resource: 'pods' }, name, 'uid');
      pods.delete(name);
      calls.push(`delete ${name}`);
      return {};
    },
  };
  return { api, pods, calls, state };
}

const running: PodStatus = { phase: 'Running' };

describe('mirror pods', () => {
  it('copy the static pod with the mirror annotation and the Node as owner', () => {
    const pod = staticPod();
    const mirror = mirrorPodOf(pod, 'n1', 'node-uid');
    expect(mirror.metadata?.uid).toBeUndefined();
    expect(mirror.metadata?.name).toBe('web-n1');
    expect(mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]).toBe(pod.metadata?.uid);
    expect(mirror.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'node-uid', controller: true },
    ]);
  });

  it('are created with the latest status, recreated when deleted, replaced on a new hash, removed with the pod', async () => {
    const { api, pods, calls, state } = fakeApi();
    const clock = new FakeClock();
    const mirrors = new MirrorClient({
      pods: api,
      nodeName: 'n1',
      nodeUID: () => 'u',
      logger: newLogger('silent'),
      periodMs: 60_000,
      clock,
    });
    const abort = new AbortController();
    const pod = staticPod();
    mirrors.staticUpdates.update(pod);
    await mirrors.setStatus(pod, running); // before start: kept
    void mirrors.start(abort.signal);
    await mirrors.kick();
    expect(calls).toEqual(['create web-n1', 'status web-n1 Running']);

    // the user deletes the mirror (the API source reports it gone): it comes back
    const first = pods.get('web-n1') as Pod;
    pods.delete('web-n1');
    mirrors.forgetMirror(first);
    await mirrors.kick();
    expect(calls.slice(2)).toEqual(['create web-n1', 'status web-n1 Running']);

    // a graceful delete (deletionTimestamp): deleted at once, then recreated
    const second = pods.get('web-n1') as Pod;
    mirrors.observeMirror({
      ...second,
      metadata: { ...second.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' },
    });
    await mirrors.kick();
    expect(calls.slice(4)).toEqual(['delete web-n1']);
    await clock.advance(1000); // the replacement after the recreate pause
    expect(calls.slice(4)).toEqual(['delete web-n1', 'create web-n1', 'status web-n1 Running']);

    // the server is down: nothing breaks; the status waits for it
    state.down = true;
    await mirrors.setStatus(pod, { phase: 'Failed' });
    state.down = false;
    await mirrors.kick();
    expect(calls.at(-1)).toBe('status web-n1 Failed');

    // the manifest changed: the mirror of the old hash goes, one of the new comes
    const changed = staticPod('nginx');
    mirrors.staticUpdates.remove(pod);
    mirrors.staticUpdates.update(changed);
    await mirrors.kick();
    await clock.advance(1000);
    expect(pods.get('web-n1')?.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION]).toBe(changed.metadata?.uid);

    // the manifest went: so does the mirror
    mirrors.staticUpdates.remove(changed);
    await mirrors.kick();
    expect(pods.has('web-n1')).toBe(false);
    abort.abort();
  });
});

/** The mirror client and one kubectl user over one fake API, stepped by hand. */
function setup() {
  const fake = fakeApi();
  const clock = new FakeClock();
  const mirrors = new MirrorClient({
    pods: fake.api,
    nodeName: 'n1',
    nodeUID: () => 'u',
    logger: newLogger('silent'),
    periodMs: 60_000,
    clock,
  });
  const pod = staticPod();
  mirrors.staticUpdates.update(pod);
  const abort = new AbortController();
  void mirrors.start(abort.signal);
  const terminating = (p: Pod): Pod => ({
    ...p,
    metadata: { ...p.metadata, deletionTimestamp: '2024-01-01T00:00:01Z', deletionGracePeriodSeconds: 1 },
  });
  return { ...fake, clock, mirrors, pod, abort, terminating };
}

describe('a mirror deleted by a user', () => {
  it("is replaced only after kubectl delete --wait's read and list, so the wait always ends", async () => {
    const { pods, calls, clock, mirrors, abort, terminating } = setup();
    await mirrors.kick();
    const first = pods.get('web-n1') as Pod;
    calls.length = 0;

    // kubectl delete: the API marks the mirror (grace 1 s) and the watch tells the agent at once
    pods.set('web-n1', terminating(first));
    mirrors.observeMirror(terminating(first));
    await mirrors.kick();
    // kubectl then GETs the pod (to compare uids) and LISTs it by name (to watch from there): the
    // agent deleted the old mirror meanwhile; the list must not hold a replacement with another
    // uid, or kubectl would wait for a DELETED event that never comes
    expect(calls).toEqual(['delete web-n1']);
    expect(pods.has('web-n1')).toBe(false);

    await clock.advance(999);
    expect(pods.has('web-n1')).toBe(false);
    await clock.advance(1);
    expect(calls).toEqual(['delete web-n1', 'create web-n1']);
    expect(pods.get('web-n1')?.metadata?.uid).not.toBe(first.metadata?.uid);
    abort.abort();
  });

  it('a stale event of the old mirror, after its replacement, does not delete the replacement', async () => {
    const { pods, calls, clock, mirrors, abort, terminating } = setup();
    await mirrors.kick();
    const first = pods.get('web-n1') as Pod;
    pods.set('web-n1', terminating(first));
    mirrors.observeMirror(terminating(first));
    await mirrors.kick();
    await clock.advance(1000);
    const second = pods.get('web-n1') as Pod;
    expect(second.metadata?.uid).not.toBe(first.metadata?.uid);
    calls.length = 0;

    // a lagging watch delivers the old mirror's terminating update once more, then its deletion
    mirrors.observeMirror(terminating(first));
    await mirrors.kick();
    mirrors.forgetMirror(first);
    await mirrors.kick();
    await clock.advance(5000);
    expect(calls).toEqual([]); // the uid precondition refused the delete; the replacement was read back
    expect(pods.get('web-n1')?.metadata?.uid).toBe(second.metadata?.uid);
    abort.abort();
  });

  it('one deleted with --force (gone at once) comes back without a pause', async () => {
    const { pods, calls, mirrors, abort } = setup();
    await mirrors.kick();
    const first = pods.get('web-n1') as Pod;
    calls.length = 0;
    pods.delete('web-n1');
    mirrors.forgetMirror(first);
    await mirrors.kick();
    expect(calls).toEqual(['create web-n1']);
    abort.abort();
  });
});
