import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/interface.js';
import { makeNode, makePod, nodeInfo } from '../testing/fixtures.js';
import { NodeName, errReason } from './plugin.js';

describe('NodeName', () => {
  const pl = new NodeName();
  const cases = [
    { name: 'no nodeName fits any node', nodeName: undefined, node: 'n1', code: 'Success', reasons: [] },
    { name: 'matching nodeName fits', nodeName: 'n1', node: 'n1', code: 'Success', reasons: [] },
    {
      name: 'other node is unresolvable',
      nodeName: 'n2',
      node: 'n1',
      code: 'UnschedulableAndUnresolvable',
      reasons: [errReason],
    },
  ];
  it.each(cases)('Filter: $name', ({ nodeName, node, code, reasons }) => {
    const s = pl.filter(
      new CycleState(),
      makePod('p', nodeName ? { nodeName } : {}),
      nodeInfo(makeNode(node)),
    );
    expect(s).toEqual({ code, reasons });
  });

  it('PreFilter narrows to the named node, and skips otherwise', () => {
    const state = new CycleState();
    expect(pl.preFilter(state, makePod('p', { nodeName: 'n2' }))).toEqual({
      result: { nodeNames: new Set(['n2']) },
      status: { code: 'Success', reasons: [] },
    });
    expect(pl.preFilter(state, makePod('p')).status.code).toBe('Skip');
  });

  it('uses the upstream reason string', () => {
    expect(errReason).toBe("node(s) didn't match the requested node name");
  });
});
