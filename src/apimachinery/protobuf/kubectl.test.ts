import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from './index.js';
import { hasKubectl, startKubectlHarness, type KubectlHarness } from './testing/kubectl.js';

/** Typed kubectl commands: each POSTs one protobuf body, the same object `--dry-run=client -o json` prints. */
const COMMANDS: string[][] = [
  ['create', 'namespace', 'ns1'],
  ['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-literal=c=d'],
  ['create', 'secret', 'generic', 's1', '--from-literal=k=v'],
  [
    'create',
    'secret',
    'docker-registry',
    'reg',
    '--docker-server=x',
    '--docker-username=u',
    '--docker-password=p',
  ],
  ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'],
  ['create', 'service', 'nodeport', 'np1', '--tcp=5678:8080', '--node-port=30080'],
  ['create', 'serviceaccount', 'sa1'],
  ['create', 'deployment', 'd1', '--image=busybox', '--replicas=2'],
  ['create', 'deployment', 'd2', '--image=nginx', '--port=8080', '--replicas=0'],
  ['create', 'poddisruptionbudget', 'pdb1', '--selector=app=x', '--min-available=1'],
  ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=y', '--max-unavailable=50%'],
  ['create', 'job', 'j1', '--image=busybox'],
  ['create', 'job', 'j2', '--image=busybox', '--', 'sh', '-c', 'echo hi'],
  ['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *'],
  ['create', 'quota', 'q1', '--hard=cpu=1,memory=1G,pods=2'],
];

describe.skipIf(!hasKubectl())('decoding the protobuf bodies the real kubectl sends', () => {
  let kubectl: KubectlHarness;
  beforeAll(async () => {
    kubectl = await startKubectlHarness();
  });
  afterAll(async () => {
    await kubectl?.close();
  });

  it.each(COMMANDS.map((args) => [args.slice(0, 3).join(' '), args] as const))(
    'kubectl %s',
    async (_name, args) => {
      const sent = await kubectl.run(args);
      const posts = sent.requests.filter((r) => r.method === 'POST');
      expect(posts, sent.stderr).toHaveLength(1);
      const [post] = posts;
      expect(isKubernetesProtobuf(post?.contentType)).toBe(true);

      const dash = args.includes('--') ? args.indexOf('--') : args.length;
      const dryRun = await kubectl.run([
        ...args.slice(0, dash),
        '--dry-run=client',
        '-o',
        'json',
        ...args.slice(dash),
      ]);
      expect(dryRun.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
      const expected: unknown = JSON.parse(dryRun.stdout);

      expect(decodeKubernetesProtobuf(post?.body ?? Buffer.alloc(0))).toStrictEqual(expected);
    },
  );

  /** The one protobuf POST a command makes (it may fail afterwards on the stub answers). */
  async function protobufPost(args: string[]): Promise<Buffer> {
    const sent = await kubectl.run(args);
    const posts = sent.requests.filter((r) => r.method === 'POST' && isKubernetesProtobuf(r.contentType));
    expect(posts, sent.stderr).toHaveLength(1);
    return posts[0]?.body ?? Buffer.alloc(0);
  }

  it('kubectl create token (a TokenRequest, which has no dry run)', async () => {
    const body = await protobufPost([
      'create',
      'token',
      'sa1',
      '--duration=1h',
      '--audience=a',
      '--audience=b',
    ]);
    expect(decodeKubernetesProtobuf(body)).toStrictEqual({
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: ['a', 'b'], expirationSeconds: 3600 },
      // Go's JSON would write these too: neither field has omitempty.
      status: { token: '', expirationTimestamp: null },
    });
  });

  it('rejects a kind the table does not hold with a 400 naming it', async () => {
    const body = await protobufPost(['create', 'priorityclass', 'pc1', '--value=10']);
    expect(() => decodeKubernetesProtobuf(body)).toThrow(
      /no kind "PriorityClass" is registered for version "scheduling.k8s.io\/v1"/,
    );
  });
});
