import type { Container, Pod, PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { generateContainerConfig } from './container-config.js';
import { generatePodSandboxConfig } from './sandbox-config.js';
import {
  checkRunAsNonRoot,
  DEFAULT_MASKED_PATHS,
  determineEffectiveSecurityContext,
  generateContainerSecurityContext,
  generateSandboxSecurityContext,
  normalizeCapability,
  podSysctls,
  seccompProfileFor,
  sysctlDotted,
  verifyRunAsNonRoot,
} from './security-context.js';

const ns = { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } as const;
const pod = (
  containers: Container[],
  securityContext?: PodSecurityContext,
  extra: Partial<NonNullable<Pod['spec']>> = {},
): Pod => ({
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: { containers, ...(securityContext ? { securityContext } : {}), ...extra },
});
const c = (securityContext?: Container['securityContext'], name = 'c'): Container => ({
  name,
  image: 'localhost/busybox:latest',
  ...(securityContext ? { securityContext } : {}),
});

describe('determineEffectiveSecurityContext', () => {
  it.each([
    ['nothing set', undefined, undefined, {}],
    [
      'pod only',
      { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true },
      undefined,
      { runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true },
    ],
    [
      'container overrides pod',
      { runAsUser: 1000, runAsGroup: 3000 },
      { runAsUser: 2000 },
      { runAsUser: 2000, runAsGroup: 3000 },
    ],
    [
      'container-only fields',
      undefined,
      { privileged: true, readOnlyRootFilesystem: true },
      { privileged: true, readOnlyRootFilesystem: true },
    ],
    ['pod-only fields stay on the pod', { fsGroup: 5, supplementalGroups: [7] }, undefined, {}],
    [
      'container seccomp wins',
      { seccompProfile: { type: 'RuntimeDefault' } },
      { seccompProfile: { type: 'Unconfined' } },
      { seccompProfile: { type: 'Unconfined' } },
    ],
  ] satisfies [string, PodSecurityContext | undefined, SecurityContext | undefined, SecurityContext][])(
    '%s',
    (_n, podSc, sc, expected) => {
      expect(determineEffectiveSecurityContext(pod([c(sc)], podSc), c(sc))).toEqual(expected);
    },
  );
});

describe('normalizeCapability', () => {
  it.each([
    ['NET_ADMIN', 'NET_ADMIN'],
    ['CAP_NET_ADMIN', 'NET_ADMIN'],
    ['net_admin', 'NET_ADMIN'],
    ['cap_sys_time', 'SYS_TIME'],
    ['ALL', 'ALL'],
  ])('%s → %s', (input, expected) => expect(normalizeCapability(input)).toBe(expected));
});

describe('seccompProfileFor', () => {
  it.each([
    ['default: Unconfined', undefined, undefined, { profile_type: 'Unconfined' }],
    ['pod RuntimeDefault', { type: 'RuntimeDefault' }, undefined, { profile_type: 'RuntimeDefault' }],
    [
      'container Unconfined over pod',
      { type: 'RuntimeDefault' },
      { type: 'Unconfined' },
      { profile_type: 'Unconfined' },
    ],
    [
      'Localhost under the root',
      undefined,
      { type: 'Localhost', localhostProfile: 'profiles/audit.json' },
      { profile_type: 'Localhost', localhost_ref: '/root/seccomp/profiles/audit.json' },
    ],
  ] as const)('%s', (_n, podProfile, containerProfile, expected) => {
    const container = c(containerProfile ? { seccompProfile: containerProfile } : undefined);
    const p = pod([container], podProfile ? { seccompProfile: podProfile } : undefined);
    expect(seccompProfileFor(p, container, '/root/seccomp/')).toEqual(expected);
  });
});

describe('generateContainerSecurityContext', () => {
  it('defaults: unprivileged, masked /proc, no no_new_privs, Unconfined', () => {
    const container = c();
    expect(
      generateContainerSecurityContext({ pod: pod([container]), container, namespaceOptions: ns }),
    ).toEqual({
      namespace_options: ns,
      privileged: false,
      readonly_rootfs: false,
      no_new_privs: false,
      masked_paths: [...DEFAULT_MASKED_PATHS],
      readonly_paths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
      seccomp: { profile_type: 'Unconfined' },
    });
  });

  it('everything set, container over pod', () => {
    const container = c({
      privileged: false,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      procMount: 'Unmasked',
      capabilities: { add: ['CAP_NET_ADMIN', 'sys_time'], drop: ['ALL'] },
      seLinuxOptions: { level: 's0:c1' },
    });
    const p = pod([container], {
      runAsUser: 1,
      runAsGroup: 3000,
      fsGroup: 2000,
      supplementalGroups: [4000],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(generateContainerSecurityContext({ pod: p, container, namespaceOptions: ns })).toEqual({
      namespace_options: ns,
      privileged: false,
      readonly_rootfs: true,
      capabilities: { add_capabilities: ['NET_ADMIN', 'SYS_TIME'], drop_capabilities: ['ALL'] },
      run_as_user: { value: 1000 },
      run_as_group: { value: 3000 },
      supplemental_groups: [2000, 4000],
      no_new_privs: true,
      masked_paths: [],
      readonly_paths: [],
      seccomp: { profile_type: 'RuntimeDefault' },
    });
  });

  it('allowPrivilegeEscalation true or unset: no no_new_privs', () => {
    for (const allow of [true, undefined]) {
      const container = c(allow === undefined ? {} : { allowPrivilegeEscalation: allow });
      const sc = generateContainerSecurityContext({ pod: pod([container]), container, namespaceOptions: ns });
      expect(sc.no_new_privs).toBe(false);
    }
  });
});

describe('sandbox security context', () => {
  it.each([
    ['no privileged container', pod([c(), c({ privileged: false }, 'd')]), false],
    ['a privileged regular container', pod([c(), c({ privileged: true }, 'd')]), true],
    [
      'a privileged init container',
      pod([c()], undefined, { initContainers: [c({ privileged: true }, 'i')] }),
      true,
    ],
    [
      'a privileged ephemeral container',
      pod([c()], undefined, {
        ephemeralContainers: [{ name: 'debug', image: 'x', securityContext: { privileged: true } }],
      }),
      true,
    ],
  ])('%s → privileged %s', (_n, p, privileged) => {
    expect(generateSandboxSecurityContext(p, ns).privileged).toBe(privileged);
  });

  it('pod-level user, groups (fsGroup first) and RuntimeDefault seccomp for the pause process', () => {
    const p = pod([c()], { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] });
    expect(generateSandboxSecurityContext(p, ns)).toEqual({
      namespace_options: ns,
      privileged: false,
      run_as_user: { value: 1000 },
      run_as_group: { value: 3000 },
      supplemental_groups: [2000, 4000],
      seccomp: { profile_type: 'RuntimeDefault' },
    });
  });

  it.each([
    ['kernel.shm_rmid_forced', 'kernel.shm_rmid_forced'],
    ['net/ipv4/ip_forward', 'net.ipv4.ip_forward'],
    ['net/ipv4/conf/eno2.100/rp_filter', 'net.ipv4.conf.eno2/100.rp_filter'],
  ])('sysctl %s → %s', (name, dotted) => {
    expect(sysctlDotted(name)).toBe(dotted);
    expect(podSysctls(pod([c()], { sysctls: [{ name, value: '1' }] }))).toEqual({ [dotted]: '1' });
  });

  it('generatePodSandboxConfig: namespaces per host* flags, privileged, sysctls', () => {
    const p = pod(
      [c({ privileged: true })],
      { sysctls: [{ name: 'net/core/somaxconn', value: '1024' }] },
      {
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
      },
    );
    const config = generatePodSandboxConfig({ pod: p, attempt: 0, rootDir: '/r', hostResolvConf: '' });
    expect(config.hostname).toBeUndefined();
    expect(config.linux).toMatchObject({
      security_context: {
        namespace_options: { network: 'NODE', pid: 'NODE', ipc: 'NODE' },
        privileged: true,
      },
      sysctls: { 'net.core.somaxconn': '1024' },
    });
  });
});

describe('runAsNonRoot', () => {
  const root = { uid: 0, username: '' };
  const where = '(pod: "p_default(u1)", container: c)';
  it.each([
    ['not asked', undefined, root, null],
    [
      'image root',
      { runAsNonRoot: true },
      root,
      `container has runAsNonRoot and image will run as root ${where}`,
    ],
    ['image uid 1000', { runAsNonRoot: true }, { uid: 1000, username: '' }, null],
    [
      'image non-numeric user',
      { runAsNonRoot: true },
      { uid: null, username: 'nobody' },
      `container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root ${where}`,
    ],
    ['runAsUser 1000 over a root image', { runAsNonRoot: true, runAsUser: 1000 }, root, null],
    [
      'runAsUser 0',
      { runAsNonRoot: true, runAsUser: 0 },
      { uid: 1000, username: '' },
      `container's runAsUser breaks non-root policy ${where}`,
    ],
  ] as const)('%s', (_n, sc, image, expected) => {
    const container = c(sc);
    expect(verifyRunAsNonRoot(pod([container]), container, image)).toBe(expected);
  });

  it('checkRunAsNonRoot reads the image user from ImageStatus only when needed', async () => {
    const asked: string[] = [];
    const images = {
      imageStatus: async ({ image }: { image: string }) => {
        asked.push(image);
        return { image: null, info: {} };
      },
    };
    expect(await checkRunAsNonRoot(images, pod([c()]), c(), 'sha256:a')).toBeNull();
    expect(asked).toEqual([]);
    const strict = c({ runAsNonRoot: true });
    expect(await checkRunAsNonRoot(images, pod([strict]), strict, 'sha256:a')).toMatch(
      /image will run as root/,
    );
    expect(asked).toEqual(['sha256:a']);
  });
});

describe('generateContainerConfig', () => {
  it('carries the security context and the resources', () => {
    const container: Container = {
      ...c({ capabilities: { add: ['NET_ADMIN'] }, runAsUser: 1000 }),
      resources: { requests: { cpu: '250m', memory: '10Mi' }, limits: { cpu: '500m', memory: '20Mi' } },
    };
    const config = generateContainerConfig({
      pod: pod([container]),
      container,
      kind: 'regular',
      restartCount: 0,
      imageRef: 'sha256:a',
      envs: [],
      terminationMessageHostPath: null,
      memoryCapacity: 4 * 2 ** 30,
    });
    expect(config.linux?.security_context).toMatchObject({
      capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: [] },
      run_as_user: { value: 1000 },
    });
    expect(config.linux?.resources).toEqual({
      cpu_shares: 256,
      cpu_quota: 50_000,
      cpu_period: 100_000,
      memory_limit_in_bytes: 20 * 2 ** 20,
      oom_score_adj: 998, // Burstable: 1000 - 1000 * 10Mi / 4Gi
    });
  });
});
