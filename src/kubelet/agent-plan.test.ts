import { describe, expect, it } from 'vitest';
import { AgentPlanError, planAgentStart, type AgentPlanInput, type AgentStartPlan } from './agent-plan.js';

const files = { token: '/d/server/node-token', caCert: '/d/server/tls/ca.crt' };

describe('planAgentStart', () => {
  it.each<{ name: string; input: AgentPlanInput; want: AgentStartPlan }>([
    {
      name: 'a worker joining a server: everything waits for the server, which must answer',
      input: { token: 't', caCert: 'CA' },
      want: {
        cni: { when: 'after-registration' },
        staticPods: null,
        credentials: { from: 'options', token: 't', caCert: 'CA' },
        unreachableServer: 'fail',
      },
    },
    {
      name: 'its own subnet: CNI at start',
      input: { token: 't', podCIDR: '10.1.0.0/24' },
      want: {
        cni: { when: 'at-start', podCIDR: '10.1.0.0/24' },
        staticPods: null,
        credentials: { from: 'options', token: 't' },
        unreachableServer: 'fail',
      },
    },
    {
      name: 'static pods without a subnet: they run at once, those on the pod network wait for it',
      input: { token: 't', podManifestPath: '/m' },
      want: {
        cni: { when: 'after-registration' },
        staticPods: { dir: '/m', waitForNetwork: true },
        credentials: { from: 'options', token: 't' },
        unreachableServer: 'retry',
      },
    },
    {
      name: 'self-hosted: own subnet, static pods, credentials from the data dir',
      input: { credentialFiles: files, podCIDR: '10.244.0.0/24', podManifestPath: '/m' },
      want: {
        cni: { when: 'at-start', podCIDR: '10.244.0.0/24' },
        staticPods: { dir: '/m', waitForNetwork: false },
        credentials: { from: 'files', files },
        unreachableServer: 'retry',
      },
    },
    {
      name: 'a given token wins over credential files',
      input: { token: 't', credentialFiles: files, podManifestPath: '/m', podCIDR: '10.1.0.0/24' },
      want: {
        cni: { when: 'at-start', podCIDR: '10.1.0.0/24' },
        staticPods: { dir: '/m', waitForNetwork: false },
        credentials: { from: 'options', token: 't' },
        unreachableServer: 'retry',
      },
    },
  ])('$name', ({ input, want }) => {
    expect(planAgentStart(input)).toEqual(want);
  });

  it('refuses to start without any credentials', () => {
    expect(() => planAgentStart({ podManifestPath: '/m' })).toThrow(AgentPlanError);
  });
});
