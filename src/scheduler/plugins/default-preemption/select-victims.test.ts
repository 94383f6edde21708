import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1.js';
import { describe, expect, it } from 'vitest';
import { CycleState, type NodeInfo, type Status } from '../../framework/interface.js';
import { Fit } from '../node-resources/fit.js';
import { container, makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { filterPodsWithPDBViolation, moreImportantPod, selectVictimsOnNode } from './select-victims.js';

const cpuPod = (
  name: string,
  cpu: string,
  priority: number,
  labels?: Record<string, string>,
  startTime?: string,
): Pod =>
  makePod(
    name,
    { containers: [container({ cpu })], priority },
    labels ? { labels } : {},
    startTime ? { startTime } : undefined,
  );
const fits =
  (pod: Pod) =>
  (node: NodeInfo): Status => {
    const fit = new Fit();
    const s = new CycleState();
    fit.preFilter(s, pod);
    return fit.filter(s, pod, node);
  };
const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name);
const pdb = (allowed: number, app: string): PodDisruptionBudget => ({
  metadata: { name: 'pdb', namespace: 'default' },
  spec: { selector: { matchLabels: { app } } },
  status: { disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
});

describe('selectVictimsOnNode', () => {
  const preemptor = cpuPod('p', '2', 10);
  const node = (pods: Pod[]) =>
    nodeInfo(makeNode('n1', { allocatable: { cpu: '4', memory: '1Gi', pods: '10' } }), pods);

  it('reprieves the most important pods first', () => {
    const sel = selectVictimsOnNode(
      preemptor,
      node([cpuPod('a', '2', 0), cpuPod('b', '2', 1)]),
      fits(preemptor),
    );
    expect(names(sel.victims)).toEqual(['a']);
    expect(sel.numPDBViolations).toBe(0);
  });

  it('reprieves PDB-protected pods before the others', () => {
    const pods = [cpuPod('a', '2', 0, { app: 'db' }), cpuPod('b', '2', 1)];
    const sel = selectVictimsOnNode(preemptor, node(pods), fits(preemptor), [pdb(0, 'db')]);
    expect(names(sel.victims)).toEqual(['b']);
    expect(sel.numPDBViolations).toBe(0);
  });

  it('counts PDB violations among the victims', () => {
    const big = cpuPod('p', '4', 10);
    const sel = selectVictimsOnNode(
      big,
      node([cpuPod('a', '2', 0, { app: 'db' }), cpuPod('b', '2', 1)]),
      fits(big),
      [pdb(0, 'db')],
    );
    expect(names(sel.victims)).toEqual(['b', 'a']);
    expect(sel.numPDBViolations).toBe(1);
  });

  it('no lower-priority pods: unresolvable', () => {
    const sel = selectVictimsOnNode(preemptor, node([cpuPod('a', '4', 10)]), fits(preemptor));
    expect(sel.status).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ['No preemption victims found for incoming pod'],
    });
  });

  it('still no fit without them: the Filter status', () => {
    const sel = selectVictimsOnNode(
      preemptor,
      node([cpuPod('a', '1', 0), cpuPod('hi', '3', 20)]),
      fits(preemptor),
    );
    expect(sel.status).toEqual({ code: 'Unschedulable', reasons: ['Insufficient cpu'] });
  });
});

describe('moreImportantPod', () => {
  it('priority, then earlier start; unstarted pods count as starting now', () => {
    const early = cpuPod('e', '1', 0, undefined, '2024-01-01T00:00:00Z');
    const late = cpuPod('l', '1', 0, undefined, '2024-01-02T00:00:00Z');
    expect(moreImportantPod(cpuPod('h', '1', 1), early, Date.now())).toBe(true);
    expect(moreImportantPod(early, late, Date.now())).toBe(true);
    expect(moreImportantPod(late, cpuPod('u', '1', 0), Date.now())).toBe(true);
  });
});

describe('filterPodsWithPDBViolation', () => {
  it('spends each budget in order, ignoring other namespaces and unlabelled pods', () => {
    const pods = [
      cpuPod('a', '1', 0, { app: 'web' }),
      cpuPod('b', '1', 0, { app: 'web' }),
      cpuPod('c', '1', 0),
    ];
    const other: PodDisruptionBudget = { ...pdb(0, 'web'), metadata: { name: 'x', namespace: 'other' } };
    const { violating, nonViolating } = filterPodsWithPDBViolation(pods, [pdb(1, 'web'), other]);
    expect(names(violating)).toEqual(['b']);
    expect(names(nonViolating)).toEqual(['a', 'c']);
  });
});
