import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from './index.js';
import { body, bytes, entry, fixed32, int, join, msg, packed, str } from './testing/encode.js';

/** What `kubectl create namespace ns1` and `kubectl create secret generic s1 --from-literal=k=v` send. */
const NAMESPACE_BODY =
  '6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a003200380042001200' +
  '1a020a001a002200';
const SECRET_BODY =
  '6b3873000a0c0a0276311206536563726574121e0a120a02733112001a0022002a0032003800420012060a016b12' +
  '01761a001a002200';

/** The decode error, or a failure when there is none. */
function decodeError(b: Uint8Array): StatusError {
  try {
    decodeKubernetesProtobuf(b);
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('decoded without error');
}

/** An ObjectMeta as gogo writes it: value fields always, `creationTimestamp` as an empty Time. */
const meta = (name: string, ...more: Uint8Array[]): Uint8Array =>
  msg(
    1,
    str(1, name),
    str(2, ''),
    str(3, ''),
    str(4, ''),
    str(5, ''),
    str(6, ''),
    int(7, 0),
    msg(8),
    ...more,
  );

describe('decodeKubernetesProtobuf', () => {
  it('decodes bodies kubectl sent', () => {
    expect(decodeKubernetesProtobuf(Buffer.from(NAMESPACE_BODY, 'hex'))).toStrictEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'ns1', creationTimestamp: null },
      spec: {},
      status: {},
    });
    expect(decodeKubernetesProtobuf(Buffer.from(SECRET_BODY, 'hex'))).toStrictEqual({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's1', creationTimestamp: null },
      data: { k: 'dg==' },
    });
  });

  it('maps Time, MicroTime, Quantity, IntOrString and bytes as the JSON does', () => {
    const pod = decodeKubernetesProtobuf(
      body(
        'v1',
        'Pod',
        meta('p', msg(9, int(1, 1704164645), int(2, 5))),
        msg(
          2,
          msg(
            2,
            str(1, 'c'),
            msg(8, entry(1, 'cpu', msg(2, str(1, '250m'))), entry(2, 'memory', msg(2))),
            msg(10, msg(1, msg(2, str(1, '/healthz'), msg(2, int(1, 0), int(2, 8080), str(3, ''))))),
            msg(11, msg(1, msg(2, msg(2, int(1, 1), int(2, 0), str(3, 'http'))))),
          ),
        ),
      ),
    );
    expect(pod).toStrictEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'p', creationTimestamp: null, deletionTimestamp: '2024-01-02T03:04:05Z' },
      spec: {
        containers: [
          {
            name: 'c',
            resources: { limits: { cpu: '250m' }, requests: { memory: '0' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
            readinessProbe: { httpGet: { port: 'http' } },
          },
        ],
      },
    });

    const lease = decodeKubernetesProtobuf(
      body(
        'coordination.k8s.io/v1',
        'Lease',
        meta('l'),
        msg(2, msg(4, int(1, 1704164645), int(2, 123456789))),
      ),
    );
    expect(lease.spec).toStrictEqual({ renewTime: '2024-01-02T03:04:05.123456Z' });

    const secret = decodeKubernetesProtobuf(
      body(
        'v1',
        'Secret',
        meta('s'),
        entry(2, 'bin', bytes(2, Uint8Array.of(0, 255, 1))),
        entry(2, 'e', str(9, '')),
      ),
    );
    expect(secret.data).toStrictEqual({ bin: 'AP8B', e: '' });
  });

  it('drops zero Go values but keeps zero pointers and zero required fields', () => {
    const svc = decodeKubernetesProtobuf(
      body(
        'v1',
        'Service',
        meta('s'),
        msg(
          2,
          msg(1, str(1, ''), str(2, 'TCP'), int(3, 0), msg(4, int(1, 0), int(2, 0), str(3, '')), int(5, 0)),
          str(3, ''),
          int(15, 0),
        ),
      ),
    );
    // port has no omitempty (zero written); nodePort has (zero dropped); targetPort is a struct.
    expect(svc.spec).toStrictEqual({ ports: [{ protocol: 'TCP', port: 0, targetPort: 0 }] });

    const deploy = decodeKubernetesProtobuf(
      body('apps/v1', 'Deployment', meta('d'), msg(2, int(1, 0), int(5, 0))),
    );
    // replicas is a pointer: zero on the wire is kept; minReadySeconds is a value: zero dropped.
    expect(deploy.spec).toStrictEqual({ replicas: 0 });
  });

  it('reads packed and unpacked repeated scalars alike', () => {
    const unpacked = decodeKubernetesProtobuf(
      body('v1', 'Pod', msg(2, msg(14, int(4, 1), int(4, 2 ** 40), int(4, -3)))),
    );
    const packedForm = decodeKubernetesProtobuf(
      body('v1', 'Pod', msg(2, msg(14, packed(4, [1, 2 ** 40, -3])))),
    );
    expect(unpacked.spec).toStrictEqual({ securityContext: { supplementalGroups: [1, 2 ** 40, -3] } });
    expect(packedForm).toStrictEqual(unpacked);
  });

  it('flattens embedded structs (json:",inline")', () => {
    const pod = decodeKubernetesProtobuf(
      body(
        'v1',
        'Pod',
        msg(
          2,
          msg(1, str(1, 'data'), msg(2, msg(1, str(1, '/tmp'), str(2, 'Directory')))),
          msg(
            2,
            str(1, 'c'),
            msg(7, str(1, 'A'), str(2, ''), msg(3, msg(3, msg(1, str(1, 'cm')), str(2, 'k'), int(3, false)))),
          ),
        ),
      ),
    );
    expect(pod.spec).toStrictEqual({
      volumes: [{ name: 'data', hostPath: { path: '/tmp', type: 'Directory' } }],
      containers: [
        {
          name: 'c',
          env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k', optional: false } } }],
        },
      ],
    });
  });

  it('decodes an Eviction with its DeleteOptions, and v1 DeleteOptions as meta/v1', () => {
    const eviction = decodeKubernetesProtobuf(
      body(
        'policy/v1',
        'Eviction',
        meta('p', str(3, 'ns')),
        msg(2, int(1, 0), msg(2, str(1, 'uid-1')), str(5, 'All')),
      ),
    );
    expect(eviction).toStrictEqual({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'p', namespace: 'ns', creationTimestamp: null },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, dryRun: ['All'] },
    });
    expect(decodeKubernetesProtobuf(body('v1', 'DeleteOptions', str(4, 'Foreground')))).toStrictEqual({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
    });
  });

  it('unwraps named slices and maps of them (UserInfo.extra)', () => {
    const review = decodeKubernetesProtobuf(
      body(
        'authentication.k8s.io/v1',
        'TokenReview',
        msg(
          3,
          int(1, true),
          msg(
            2,
            str(1, 'alice'),
            entry(4, 'scopes', msg(2, str(1, 'a'), str(1, 'b'))),
            entry(4, 'none', new Uint8Array()),
          ),
        ),
      ),
    );
    expect(review.status).toStrictEqual({
      authenticated: true,
      user: { username: 'alice', extra: { scopes: ['a', 'b'], none: [] } },
    });
  });

  it('parses RawExtensions and FieldsV1 as JSON, nested protobuf objects too', () => {
    const pod = join(msg(1, str(1, 'p')));
    const list = decodeKubernetesProtobuf(
      body(
        'v1',
        'List',
        msg(2, str(1, '{"kind":"ConfigMap","apiVersion":"v1","data":{"a":"b"}}')),
        msg(2, bytes(1, body('v1', 'Pod', pod))),
        msg(2),
      ),
    );
    expect(list.items).toStrictEqual([
      { kind: 'ConfigMap', apiVersion: 'v1', data: { a: 'b' } },
      { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p' } },
      null,
    ]);

    const cm = decodeKubernetesProtobuf(
      body(
        'v1',
        'ConfigMap',
        msg(
          1,
          msg(
            17,
            str(1, 'kubectl'),
            str(2, 'Apply'),
            msg(4, int(1, 0)),
            str(6, 'FieldsV1'),
            msg(7, str(1, '{"f:data":{}}')),
          ),
        ),
      ),
    );
    expect(cm.metadata).toStrictEqual({
      managedFields: [
        {
          manager: 'kubectl',
          operation: 'Apply',
          time: '1970-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': {} },
        },
      ],
    });
  });

  it('keeps hostile map keys as plain data', () => {
    const cm = decodeKubernetesProtobuf(body('v1', 'ConfigMap', entry(2, '__proto__', str(2, 'x'))));
    expect(Object.getPrototypeOf(cm.data)).toBe(Object.prototype);
    expect(Object.keys(cm.data as object)).toEqual(['__proto__']);
  });

  it('merges repeated occurrences of a message field and skips unknown fields', () => {
    const ns = decodeKubernetesProtobuf(
      body(
        'v1',
        'Namespace',
        msg(1, str(1, 'a')),
        msg(1, entry(11, 'x', str(2, 'y'))),
        int(99, 1),
        fixed32(98, 7),
      ),
    );
    expect(ns).toStrictEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'a', labels: { x: 'y' } },
    });
  });

  it('answers 400 for an unknown kind, naming it', () => {
    const err = decodeError(body('example.com/v1', 'Widget'));
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
    expect(err.message).toMatch(/no kind "Widget" is registered for version "example.com\/v1"/);
    expect(decodeError(body('scheduling.k8s.io/v1', 'PriorityClass')).message).toMatch(/PriorityClass/);
    expect(decodeError(body('v1', '')).message).toMatch(/'Kind' is missing/);
  });

  it('answers 400 for a body without the magic, or empty', () => {
    for (const b of [Buffer.from('{"kind":"Pod"}'), Buffer.from('k8s'), Buffer.alloc(0)]) {
      const err = decodeError(b);
      expect(err.code).toBe(400);
      expect(err.message).toMatch(
        /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/,
      );
    }
    expect(decodeError(Buffer.from('k8s\0')).message).toBe('empty body');
  });

  it('answers 400 for malformed data', () => {
    const truncated = Buffer.from(NAMESPACE_BODY, 'hex').subarray(0, 30);
    expect(decodeError(truncated).message).toMatch(/unable to decode the protobuf body: unexpected end/);
    expect(decodeError(body('v1', 'Namespace', int(1, 5))).message).toMatch(
      /Namespace\.metadata: wrong wire type 0/,
    );
    expect(decodeError(body('v1', 'Pod', msg(1, msg(9, int(1, 1e15))))).message).toMatch(/outside the years/);
    expect(decodeError(body('apps/v1', 'ControllerRevision', msg(2, str(1, 'not json')))).message).toMatch(
      /RawExtension/,
    );
  });

  it('reads a nested envelope that carries JSON', () => {
    const inner = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      msg(1, str(1, 'v1'), str(2, 'ConfigMap')),
      str(2, '{"data":{"a":"b"}}'),
      str(4, 'application/json'),
    ]);
    const list = decodeKubernetesProtobuf(body('v1', 'List', msg(2, bytes(1, inner))));
    expect(list.items).toStrictEqual([{ kind: 'ConfigMap', apiVersion: 'v1', data: { a: 'b' } }]);
  });

  it('answers 415 for an envelope in an encoding it cannot read', () => {
    const b = Buffer.concat([
      Buffer.from('k8s\0', 'latin1'),
      msg(1, str(1, 'v1'), str(2, 'Pod')),
      str(4, 'application/yaml'),
    ]);
    expect(decodeError(b).code).toBe(415);
  });

  it('fills a missing apiVersion/kind from the defaults given', () => {
    const b = Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1), bytes(2, msg(1, str(1, 'n')))]);
    expect(decodeKubernetesProtobuf(b, { apiVersion: 'v1', kind: 'Namespace' })).toStrictEqual({
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'n' },
    });
  });
});

describe('isKubernetesProtobuf', () => {
  it('recognises the media type, parameters and case aside', () => {
    expect(isKubernetesProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(isKubernetesProtobuf('Application/VND.Kubernetes.Protobuf; charset=binary')).toBe(true);
    expect(isKubernetesProtobuf('application/json')).toBe(false);
    expect(isKubernetesProtobuf('application/vnd.kubernetes.protobuf+json')).toBe(false);
    expect(isKubernetesProtobuf(undefined)).toBe(false);
  });
});
