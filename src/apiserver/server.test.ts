import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './testing/test-server.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
  ...extra,
});

const pods = '/api/v1/namespaces/default/pods';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('discovery', () => {
  it('lists core resources with short names and subresources', async () => {
    const r = await s.request('GET', '/api/v1');
    expect(r.status).toBe(200);
    const resources = r.json.resources as { name: string; shortNames?: string[]; kind: string }[];
    expect(resources.find((x) => x.name === 'pods')?.shortNames).toEqual(['po']);
    expect(resources.find((x) => x.name === 'pods/status')?.kind).toBe('Pod');
    expect(resources.find((x) => x.name === 'pods/binding')?.kind).toBe('Binding');
  });

  it('serves aggregated discovery when asked for it', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const r = await s.request('GET', '/apis', undefined, { accept });
    expect(r.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const groups = (r.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name);
    expect(groups).toEqual(expect.arrayContaining(['policy', 'coordination.k8s.io', 'events.k8s.io']));
  });
});

describe('errors', () => {
  it('answers an unknown resource with a 404 Status', async () => {
    const r = await s.request('GET', '/api/v1/namespaces/default/widgets');
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('answers a malformed body with 400 and writes nothing', async () => {
    const r = await s.request('POST', pods, '{"apiVersion": "v1", "kind": ', {
      'content-type': 'application/json',
    });
    expect(r.status).toBe(400);
    expect(r.json.reason).toBe('BadRequest');
  });

  it('answers a body over 3 MiB with 413', async () => {
    const big = pod('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024) } } });
    const r = await s.request('POST', pods, big);
    expect(r.status).toBe(413);
    expect((await s.request('GET', `${pods}/big`)).status).toBe(404);
  });

  it('answers an invalid pod with 422 and field paths, and writes nothing', async () => {
    const bad = pod('bad-pod', {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'busybox',
            livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 }, successThreshold: 2 },
          },
        ],
        topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }],
      },
    });
    const r = await s.request('POST', pods, bad);
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({ reason: 'Invalid', details: { kind: 'Pod', name: 'bad-pod' } });
    const fields = ((r.json.details as { causes: { field: string }[] }).causes ?? []).map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.containers[0].livenessProbe.successThreshold',
        'spec.topologySpreadConstraints[0].maxSkew',
      ]),
    );
    // As upstream: a cause carries its field apart from its message; the Status message has both.
    const maxSkew = (r.json.details as { causes: { field: string; message: string }[] }).causes.find(
      (c) => c.field === 'spec.topologySpreadConstraints[0].maxSkew',
    );
    expect(maxSkew?.message).toBe('Invalid value: 0: must be greater than zero');
    expect(r.json.message).toContain('spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0');
    expect((await s.request('GET', `${pods}/bad-pod`)).status).toBe(404);
  });

  it('rejects unknown fields with fieldValidation=Strict', async () => {
    const p = pod('strict', {
      spec: { containers: [{ name: 'app', image: 'busybox', imagePullPolicyy: 'Always' }] },
    });
    const r = await s.request('POST', `${pods}?fieldValidation=Strict`, p);
    expect(r.status).toBe(400);
    expect(r.json.message).toContain('unknown field "spec.containers[0].imagePullPolicyy"');
  });
});

describe('create, update, patch', () => {
  it('creates with defaults, refuses a duplicate, and honours dryRun', async () => {
    const dry = await s.request('POST', `${pods}?dryRun=All`, pod('dry'));
    expect(dry.status).toBe(201);
    expect((await s.request('GET', `${pods}/dry`)).status).toBe(404);

    const r = await s.request('POST', pods, pod('one'));
    expect(r.status).toBe(201);
    const meta = r.json.metadata as Record<string, string>;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(meta.resourceVersion)).toBeGreaterThan(0);
    expect(r.json.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
    });
    expect(r.json.status).toMatchObject({ phase: 'Pending' });

    const again = await s.request('POST', pods, pod('one'));
    expect(again.status).toBe(409);
    expect(again.json.reason).toBe('AlreadyExists');
  });

  it('generates names from generateName', async () => {
    const r = await s.request('POST', pods, { ...pod(''), metadata: { generateName: 'gen-' } });
    expect(r.status).toBe(201);
    expect((r.json.metadata as { name: string }).name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const created = (await s.request('POST', pods, pod('conflict'))).json;
    const v1 = { ...created, metadata: { ...(created.metadata as object), labels: { app: 'v1' } } };
    expect((await s.request('PUT', `${pods}/conflict`, v1)).status).toBe(200);
    const stale = { ...created, metadata: { ...(created.metadata as object), labels: { app: 'stale' } } };
    const r = await s.request('PUT', `${pods}/conflict`, stale);
    expect(r.status).toBe(409);
    expect(r.json.reason).toBe('Conflict');
  });

  it('forbids changing the pod spec beyond what upstream allows', async () => {
    const created = (await s.request('POST', pods, pod('immutable'))).json as {
      spec: { restartPolicy: string };
    };
    created.spec.restartPolicy = 'Never';
    const r = await s.request('PUT', `${pods}/immutable`, created);
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.json)).toContain('spec');
  });

  it('applies merge, strategic merge and JSON patches', async () => {
    await s.request('POST', pods, pod('patched'));
    const merge = await s.request(
      'PATCH',
      `${pods}/patched`,
      { metadata: { labels: { tier: 'front' } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(merge.status).toBe(200);
    expect((merge.json.metadata as { labels: object }).labels).toEqual({ app: 'web', tier: 'front' });

    const smp = await s.request(
      'PATCH',
      `${pods}/patched`,
      { spec: { containers: [{ name: 'app', image: 'busybox:1.37' }] } },
      { 'content-type': 'application/strategic-merge-patch+json' },
    );
    expect(smp.status).toBe(200);
    const containers = (
      smp.json.spec as { containers: { name: string; image: string; imagePullPolicy: string }[] }
    ).containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ name: 'app', image: 'busybox:1.37' });

    const json = await s.request(
      'PATCH',
      `${pods}/patched`,
      [{ op: 'remove', path: '/metadata/labels/tier' }],
      {
        'content-type': 'application/json-patch+json',
      },
    );
    expect(json.status).toBe(200);
    expect((json.json.metadata as { labels: object }).labels).toEqual({ app: 'web' });

    const apply = await s.request('PATCH', `${pods}/patched`, 'x: 1', {
      'content-type': 'application/apply-patch+yaml',
    });
    expect(apply.status).toBe(415);
  });

  it('updates status only through the status subresource', async () => {
    const created = (await s.request('POST', pods, pod('status'))).json;
    const withStatus = { ...created, status: { phase: 'Running' } };
    const main = await s.request('PUT', `${pods}/status`, withStatus);
    expect((main.json.status as { phase: string }).phase).toBe('Pending');
    const latest = (await s.request('GET', `${pods}/status`)).json;
    const sub = await s.request('PUT', `${pods}/status/status`, { ...latest, status: { phase: 'Running' } });
    expect(sub.status).toBe(200);
    expect((sub.json.status as { phase: string }).phase).toBe('Running');
  });

  it('binds a pod to a node once', async () => {
    await s.request('POST', pods, pod('bind-me'));
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bind-me' },
      target: { kind: 'Node', name: 'n1' },
    };
    const r = await s.request('POST', `${pods}/bind-me/binding`, binding);
    expect(r.status).toBe(201);
    const got = (await s.request('GET', `${pods}/bind-me`)).json as {
      spec: { nodeName: string };
      status: { conditions: { type: string; status: string }[] };
    };
    expect(got.spec.nodeName).toBe('n1');
    expect(got.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    );
    expect((await s.request('POST', `${pods}/bind-me/binding`, binding)).status).toBe(409);
  });
});

describe('list', () => {
  it('pages with limit/continue and filters by selectors', async () => {
    for (const n of ['l1', 'l2', 'l3', 'l4', 'l5']) {
      await s.request('POST', '/api/v1/namespaces/default/configmaps', {
        metadata: { name: n, labels: { batch: 'list', odd: String(Number(n[1]) % 2) } },
        data: { k: n },
      });
    }
    const first = await s.request(
      'GET',
      '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dlist&limit=2',
    );
    expect((first.json.items as unknown[]).length).toBe(2);
    const meta = first.json.metadata as { continue: string; resourceVersion: string };
    expect(meta.continue).toBeTruthy();
    const names: string[] = (first.json.items as { metadata: { name: string } }[]).map(
      (i) => i.metadata.name,
    );
    let cont: string | undefined = meta.continue;
    while (cont) {
      const page = await s.request(
        'GET',
        `/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dlist&limit=2&continue=${cont}`,
      );
      names.push(...(page.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name));
      cont = (page.json.metadata as { continue?: string }).continue;
    }
    expect(names).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);

    const odd = await s.request(
      'GET',
      '/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dlist,odd%20in%20(1)',
    );
    expect((odd.json.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual([
      'l1',
      'l3',
      'l5',
    ]);

    const byName = await s.request(
      'GET',
      '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dl4',
    );
    expect((byName.json.items as unknown[]).length).toBe(1);

    const badField = await s.request(
      'GET',
      '/api/v1/namespaces/default/configmaps?fieldSelector=spec.nope%3Dx',
    );
    expect(badField.status).toBe(400);
  });

  it('streams a list larger than one write as a single JSON document', async () => {
    const path = '/api/v1/namespaces/kube-system/configmaps';
    for (let i = 0; i < 8; i++) {
      const r = await s.request('POST', path, {
        metadata: { name: `big-${i}`, labels: { batch: 'big' } },
        data: { blob: String(i).repeat(100_000) }, // 8 × 100 kB: several chunks
      });
      expect(r.status).toBe(201);
    }
    const r = await s.request('GET', `${path}?labelSelector=batch%3Dbig`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    // the same bytes as encoding the whole list at once
    expect(r.text).toBe(JSON.stringify(r.json));
    expect(Object.keys(r.json)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    expect(r.json.kind).toBe('ConfigMapList');
    const items = r.json.items as { metadata: { name: string }; data: { blob: string } }[];
    expect(items.map((i) => i.metadata.name)).toEqual([...Array(8).keys()].map((i) => `big-${i}`));
    expect(items[7]?.data.blob).toBe('7'.repeat(100_000));
    const empty = await s.request('GET', `${path}?labelSelector=batch%3Dnone`);
    expect(empty.text).toBe(JSON.stringify(empty.json));
    expect(empty.json.items).toEqual([]);
  });

  it('prints a Table for kubectl get', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const r = await s.request('GET', pods, undefined, { accept });
    expect(r.json.kind).toBe('Table');
    const cols = (r.json.columnDefinitions as { name: string }[]).map((c) => c.name);
    expect(cols.slice(0, 5)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    const row = (r.json.rows as { cells: unknown[]; object: { kind: string } }[])[0];
    expect(row?.object.kind).toBe('PartialObjectMetadata');
  });
});

describe('delete', () => {
  it('deletes an unscheduled pod at once and a bound one gracefully', async () => {
    await s.request('POST', pods, pod('gone'));
    const r = await s.request('DELETE', `${pods}/gone`);
    expect(r.status).toBe(200);
    expect((await s.request('GET', `${pods}/gone`)).status).toBe(404);

    await s.request(
      'POST',
      pods,
      pod('graceful', { spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'busybox' }] } }),
    );
    const g = await s.request('DELETE', `${pods}/graceful`);
    expect(g.status).toBe(202);
    const meta = g.json.metadata as { deletionTimestamp: string; deletionGracePeriodSeconds: number };
    expect(meta.deletionGracePeriodSeconds).toBe(30);
    expect(Date.parse(meta.deletionTimestamp)).toBeGreaterThan(Date.now() + 20_000);
    expect((await s.request('GET', `${pods}/graceful`)).status).toBe(200);
    const force = await s.request('DELETE', `${pods}/graceful`, { gracePeriodSeconds: 0 });
    expect(force.status).toBe(200);
    expect((await s.request('GET', `${pods}/graceful`)).status).toBe(404);
  });

  it('holds an object while finalizers remain, then removes it', async () => {
    const cm = '/api/v1/namespaces/default/configmaps';
    await s.request('POST', cm, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const d = await s.request('DELETE', `${cm}/held`);
    expect(d.status).toBe(202);
    expect((await s.request('GET', `${cm}/held`)).json.metadata).toHaveProperty('deletionTimestamp');
    const p = await s.request(
      'PATCH',
      `${cm}/held`,
      { metadata: { finalizers: null } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    expect(p.status).toBe(200);
    expect((await s.request('GET', `${cm}/held`)).status).toBe(404);
  });

  it('checks preconditions', async () => {
    const cm = '/api/v1/namespaces/default/configmaps';
    await s.request('POST', cm, { metadata: { name: 'pre' } });
    const r = await s.request('DELETE', `${cm}/pre`, { preconditions: { uid: 'not-it' } });
    expect(r.status).toBe(409);
  });

  it('refuses content in a namespace that does not exist', async () => {
    const r = await s.request('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    expect(r.status).toBe(404);
    expect(r.json.message).toBe('namespaces "nowhere" not found');
  });
});

describe('metrics', () => {
  it('counts requests by verb, resource and code', async () => {
    const r = await s.request('GET', '/metrics');
    expect(r.text).toMatch(
      /apiserver_request_total\{verb="GET",group="",version="v1",resource="pods"[^}]*code="200"\} \d+/,
    );
    expect(r.text).toContain('apiserver_request_duration_seconds_bucket');
  });
});
