import type { Pod } from 'kubernetes-types/core/v1.js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Runtime } from './container/runtime.js';
import { agentPodData, ApiConnection, NotConnectedError } from './api-connection.js';

const pod = (source?: string): Pod => ({
  metadata: {
    name: 'p',
    namespace: 'kube-system',
    uid: 'u1',
    ...(source ? { annotations: { 'kubernetes.io/config.source': source } } : {}),
  },
  spec: { hostNetwork: true, containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '1' }] }] },
});

describe('ApiConnection before the agent joined', () => {
  const connection = new ApiConnection();

  it('fails every API call with NotConnectedError', async () => {
    await expect(connection.pods.get('p', { namespace: 'default' })).rejects.toBeInstanceOf(
      NotConnectedError,
    );
    await expect(connection.events.create({ metadata: {}, involvedObject: {} }, {})).rejects.toBeInstanceOf(
      NotConnectedError,
    );
    await expect(connection.objects.getSecret('default', 's')).rejects.toBeInstanceOf(NotConnectedError);
    expect(connection.client).toBeUndefined();
  });

  it("builds a static pod's env without the Services, and fails an API pod's", async () => {
    const { envResolver } = agentPodData({
      connection,
      runtime: {} as Runtime,
      rootDir: '/nonexistent',
      hostIPs: ['192.0.2.1'],
      logger: pino({ level: 'silent' }),
    });
    const staticPod = pod('file');
    expect(await envResolver(staticPod, staticPod.spec!.containers[0]!)).toEqual([{ key: 'A', value: '1' }]);
    const apiPod = pod();
    await expect(envResolver(apiPod, apiPod.spec!.containers[0]!)).rejects.toBeInstanceOf(NotConnectedError);
  });
});
