import type { Pod } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { NetworkReadinessGate } from './network-readiness-gate.js';

const pod = (uid: string, hostNetwork = false, image = 'a'): Pod => ({
  metadata: { uid, name: uid },
  spec: { hostNetwork, containers: [{ name: 'c', image }] },
});

function recorder() {
  const calls: string[] = [];
  return {
    calls,
    target: {
      update: (p: Pod) => calls.push(`update ${p.metadata?.uid} ${p.spec?.containers[0]?.image}`),
      remove: (p: Pod) => calls.push(`remove ${p.metadata?.uid}`),
    },
  };
}

describe('NetworkReadinessGate', () => {
  it('lets hostNetwork pods through at once and holds the others until open()', () => {
    const { calls, target } = recorder();
    const held: string[] = [];
    const gate = new NetworkReadinessGate(target, { onHold: (p) => held.push(p.metadata?.uid ?? '') });
    gate.update(pod('host', true));
    gate.update(pod('net1'));
    gate.update(pod('net2'));
    gate.update(pod('net1', false, 'b')); // the latest version is kept, said once
    expect(calls).toEqual(['update host a']);
    expect(held).toEqual(['net1', 'net2']);
    expect(gate.waiting().map((p) => p.metadata?.uid)).toEqual(['net1', 'net2']);
    gate.open();
    expect(calls).toEqual(['update host a', 'update net1 b', 'update net2 a']);
    expect(gate.waiting()).toEqual([]);
    gate.update(pod('net3'));
    expect(calls.at(-1)).toBe('update net3 a');
  });

  it('drops a held pod that is removed, and passes removals of pods that went through', () => {
    const { calls, target } = recorder();
    const gate = new NetworkReadinessGate(target);
    gate.update(pod('net'));
    gate.update(pod('host', true));
    gate.remove(pod('net'));
    gate.remove(pod('host', true));
    gate.open();
    expect(calls).toEqual(['update host a', 'remove host']);
  });

  it('holds nothing when the network is ready from the start', () => {
    const { calls, target } = recorder();
    const gate = new NetworkReadinessGate(target, { ready: true });
    gate.update(pod('net'));
    expect(gate.isReady).toBe(true);
    expect(calls).toEqual(['update net a']);
  });
});
