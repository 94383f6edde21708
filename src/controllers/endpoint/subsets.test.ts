import { describe, expect, it } from 'vitest';
import { computeEndpointSubsets } from './subsets.js';
import { testPod, testService } from './testing.js';

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

describe('computeEndpointSubsets', () => {
  it('splits ready and not-ready pods, sorted by IP', () => {
    const subsets = computeEndpointSubsets(testService(), [
      testPod({ name: 'b', ip: '10.42.0.3', nodeName: 'n1' }),
      testPod({ name: 'a', ip: '10.42.0.2' }),
      testPod({ name: 'c', ip: '10.42.0.4', ready: false }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.42.0.2', targetRef: ref('a') },
          { ip: '10.42.0.3', nodeName: 'n1', targetRef: ref('b') },
        ],
        notReadyAddresses: [{ ip: '10.42.0.4', targetRef: ref('c') }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('leaves out pods without IP, finished pods and terminating pods', () => {
    const subsets = computeEndpointSubsets(testService(), [
      testPod({ name: 'noip' }),
      testPod({ name: 'done', ip: '10.42.0.5', phase: 'Succeeded' }),
      testPod({ name: 'failed', ip: '10.42.0.6', phase: 'Failed' }),
      testPod({ name: 'going', ip: '10.42.0.7', terminating: true }),
    ]);
    expect(subsets).toEqual([]);
  });

  it('lists every pod as ready with publishNotReadyAddresses, terminating ones included', () => {
    const subsets = computeEndpointSubsets(testService({ publishNotReadyAddresses: true }), [
      testPod({ name: 'a', ip: '10.42.0.2', ready: false }),
      testPod({ name: 'b', ip: '10.42.0.3', terminating: true }),
    ]);
    expect(subsets[0]?.addresses?.map((a) => a.ip)).toEqual(['10.42.0.2', '10.42.0.3']);
    expect(subsets[0]?.notReadyAddresses).toBeUndefined();
  });

  it('resolves a named targetPort per pod and groups pods by the ports they resolve', () => {
    const svc = testService({ ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] });
    const subsets = computeEndpointSubsets(svc, [
      testPod({ name: 'a', ip: '10.42.0.2', containerPort: 8080 }),
      testPod({ name: 'b', ip: '10.42.0.3', containerPort: 9090 }),
      testPod({ name: 'c', ip: '10.42.0.4', containerPort: 8080 }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.42.0.2', targetRef: ref('a') },
          { ip: '10.42.0.4', targetRef: ref('c') },
        ],
        ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      },
      {
        addresses: [{ ip: '10.42.0.3', targetRef: ref('b') }],
        ports: [{ name: 'web', port: 9090, protocol: 'TCP' }],
      },
    ]);
  });

  it('skips pods lacking the named port', () => {
    const svc = testService({ ports: [{ port: 80, targetPort: 'metrics', protocol: 'TCP' }] });
    expect(computeEndpointSubsets(svc, [testPod({ name: 'a', ip: '10.42.0.2' })])).toEqual([]);
  });

  it('gives headless services without ports bare addresses, with hostnames under their subdomain', () => {
    const svc = testService({ clusterIP: 'None', ports: [] });
    const subsets = computeEndpointSubsets(svc, [
      testPod({ name: 'a', ip: '10.42.0.2', hostname: 'db-0', subdomain: 'web' }),
      testPod({ name: 'b', ip: '10.42.0.3', hostname: 'db-1', subdomain: 'other' }),
    ]);
    expect(subsets).toEqual([
      {
        addresses: [
          { ip: '10.42.0.2', hostname: 'db-0', targetRef: ref('a') },
          { ip: '10.42.0.3', targetRef: ref('b') },
        ],
      },
    ]);
  });
});
