/**
 * Pod and container security contexts → CRI (upstream kuberuntime `security_context.go` with
 * `pkg/securitycontext`): the effective context of a container is the pod's merged with the
 * container's (the container wins field by field); it becomes a `LinuxContainerSecurityContext`
 * (privileged, capabilities, user/group, read-only rootfs, no_new_privs, masked/read-only /proc
 * paths, seccomp, supplemental groups incl. fsGroup). The sandbox gets the pod-level part and is
 * privileged when any container of the pod (init and ephemeral ones too) is, because containerd
 * refuses a privileged container in an unprivileged sandbox (shared/cri/FACTS.md).
 *
 * Not mapped, on purpose: SELinux options (no SELinux on these nodes) and AppArmor profiles (the
 * runtime applies its default when the host has AppArmor). `runAsNonRoot` is verified against
 * the user the image runs as before the container is created (`verifyRunAsNonRoot`).
 */
import type { Container, EphemeralContainer, Pod, SecurityContext } from 'kubernetes-types/core/v1.js';
import type {
  Capability,
  ImageService,
  Labels,
  LinuxContainerSecurityContext,
  LinuxSandboxSecurityContext,
  NamespaceOption,
  SecurityProfile,
} from '../container/runtime.js';

/** Where `Localhost` seccomp profiles live (upstream `--seccomp-profile-root`, `<root-dir>/seccomp`). */
export const DEFAULT_SECCOMP_PROFILE_ROOT = '/var/lib/cairn/kubelet/seccomp';

/** /proc and /sys paths hidden from a container with the Default procMount (upstream's defaults). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** /proc paths mounted read-only with the Default procMount. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

type AnyContainer = Container | EphemeralContainer;

/** Every container of the pod: init, regular and ephemeral (upstream `VisitContainers`). */
export const allContainers = (pod: Pod): AnyContainer[] => [
  ...(pod.spec?.initContainers ?? []),
  ...(pod.spec?.containers ?? []),
  ...(pod.spec?.ephemeralContainers ?? []),
];

/** Whether any container of the pod is privileged (upstream `HasPrivilegedContainer`). */
export const hasPrivilegedContainer = (pod: Pod): boolean =>
  allContainers(pod).some((c) => c.securityContext?.privileged === true);

/**
 * The container's effective security context: the pod-level fields that also exist per container
 * (user, group, runAsNonRoot, seccomp, SELinux, AppArmor, Windows options), each overridden by the
 * container's own value when it sets one.
 */
export function determineEffectiveSecurityContext(pod: Pod, container: AnyContainer): SecurityContext {
  const podSc = pod.spec?.securityContext;
  const out: SecurityContext = {};
  if (podSc?.runAsUser !== undefined) out.runAsUser = podSc.runAsUser;
  if (podSc?.runAsGroup !== undefined) out.runAsGroup = podSc.runAsGroup;
  if (podSc?.runAsNonRoot !== undefined) out.runAsNonRoot = podSc.runAsNonRoot;
  if (podSc?.seccompProfile) out.seccompProfile = podSc.seccompProfile;
  if (podSc?.seLinuxOptions) out.seLinuxOptions = podSc.seLinuxOptions;
  if (podSc?.appArmorProfile) out.appArmorProfile = podSc.appArmorProfile;
  if (podSc?.windowsOptions) out.windowsOptions = podSc.windowsOptions;
  const sc = container.securityContext;
  if (!sc) return out;
  for (const [key, value] of Object.entries(sc) as [keyof SecurityContext, unknown][]) {
    if (value !== undefined && value !== null) Object.assign(out, { [key]: value });
  }
  return out;
}

/**
 * A capability name as containerd wants it: upper case, no `CAP_` prefix (containerd adds the
 * prefix itself, so `CAP_NET_ADMIN` would become the unknown `CAP_CAP_NET_ADMIN`). Both spellings
 * are accepted in the API; `ALL` stays `ALL`.
 */
export const normalizeCapability = (name: string): string => name.toUpperCase().replace(/^CAP_/, '');

export function convertToRuntimeCapabilities(caps: SecurityContext['capabilities']): Capability | null {
  if (!caps) return null;
  return {
    add_capabilities: (caps.add ?? []).map(normalizeCapability),
    drop_capabilities: (caps.drop ?? []).map(normalizeCapability),
  };
}

/**
 * The seccomp profile of a container (upstream `getSeccompProfile`): the container's, else the
 * pod's, else Unconfined (upstream's default while the kubelet's `--seccomp-default` is off).
 * Localhost profiles resolve under the profile root.
 */
export function seccompProfileFor(
  pod: Pod,
  container: AnyContainer,
  profileRoot = DEFAULT_SECCOMP_PROFILE_ROOT,
): SecurityProfile {
  const profile = container.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault' };
    case 'Localhost':
      return {
        profile_type: 'Localhost',
        localhost_ref: `${profileRoot.replace(/\/+$/, '')}/${profile.localhostProfile ?? ''}`,
      };
    default:
      return { profile_type: 'Unconfined' };
  }
}

/** no_new_privs: set exactly when allowPrivilegeEscalation is false (upstream `AddNoNewPrivileges`). */
export const addNoNewPrivileges = (sc: SecurityContext): boolean => sc.allowPrivilegeEscalation === false;

/** The pod's fsGroup and supplementalGroups, in upstream's order (fsGroup first). */
export function podSupplementalGroups(pod: Pod): number[] {
  const sc = pod.spec?.securityContext;
  return [...(sc?.fsGroup !== undefined ? [sc.fsGroup] : []), ...(sc?.supplementalGroups ?? [])];
}

export interface ContainerSecurityContextInput {
  pod: Pod;
  container: AnyContainer;
  namespaceOptions: NamespaceOption;
  seccompProfileRoot?: string | undefined;
}

export function generateContainerSecurityContext(
  input: ContainerSecurityContextInput,
): LinuxContainerSecurityContext {
  const { pod, container } = input;
  const sc = determineEffectiveSecurityContext(pod, container);
  const unmasked = sc.procMount === 'Unmasked';
  const capabilities = convertToRuntimeCapabilities(sc.capabilities);
  const groups = podSupplementalGroups(pod);
  return {
    namespace_options: input.namespaceOptions,
    privileged: sc.privileged ?? false,
    readonly_rootfs: sc.readOnlyRootFilesystem ?? false,
    ...(capabilities ? { capabilities } : {}),
    ...(sc.runAsUser !== undefined ? { run_as_user: { value: sc.runAsUser } } : {}),
    ...(sc.runAsGroup !== undefined ? { run_as_group: { value: sc.runAsGroup } } : {}),
    ...(groups.length > 0 ? { supplemental_groups: groups } : {}),
    no_new_privs: addNoNewPrivileges(sc),
    masked_paths: unmasked ? [] : [...DEFAULT_MASKED_PATHS],
    readonly_paths: unmasked ? [] : [...DEFAULT_READONLY_PATHS],
    seccomp: seccompProfileFor(pod, container, input.seccompProfileRoot),
  };
}

/**
 * The sandbox's security context (upstream `generatePodSandboxLinuxConfig`): pod-level user and
 * groups, namespaces, privileged when any container is, and seccomp RuntimeDefault for the pause
 * process whatever the containers use.
 */
export function generateSandboxSecurityContext(
  pod: Pod,
  namespaceOptions: NamespaceOption,
): LinuxSandboxSecurityContext {
  const sc = pod.spec?.securityContext;
  const groups = podSupplementalGroups(pod);
  return {
    namespace_options: namespaceOptions,
    privileged: hasPrivilegedContainer(pod),
    ...(sc?.runAsUser !== undefined ? { run_as_user: { value: sc.runAsUser } } : {}),
    ...(sc?.runAsGroup !== undefined ? { run_as_group: { value: sc.runAsGroup } } : {}),
    ...(groups.length > 0 ? { supplemental_groups: groups } : {}),
    seccomp: { profile_type: 'RuntimeDefault' },
  };
}

/**
 * A sysctl name in dotted form: names written with `/` separators (`net/ipv4/ip_forward`, or
 * `net/ipv4/conf/eno2.100/rp_filter` with a dot inside a segment) swap `/` and `.`, as upstream.
 */
export function sysctlDotted(name: string): string {
  if (!name.includes('/')) return name;
  return name.replace(/[./]/g, (ch) => (ch === '/' ? '.' : '/'));
}

/** The pod's sysctls for `LinuxPodSandboxConfig.sysctls`. */
export const podSysctls = (pod: Pod): Labels =>
  Object.fromEntries((pod.spec?.securityContext?.sysctls ?? []).map((s) => [sysctlDotted(s.name), s.value]));

/** The user an image runs as, from CRI ImageStatus: a uid, a user name, or neither (root). */
export interface ImageUser {
  uid: number | null;
  username: string;
}

/** The image's user (upstream `getImageUser`): an image that names no user runs as uid 0. */
export async function getImageUser(
  images: Pick<ImageService, 'imageStatus'>,
  image: string,
): Promise<ImageUser> {
  const status = (await images.imageStatus({ image })).image;
  if (status?.uid) return { uid: Number(status.uid.value), username: '' };
  if (status?.username) return { uid: null, username: status.username };
  return { uid: 0, username: '' };
}

/**
 * Upstream `verifyRunAsNonRoot`: with runAsNonRoot true, the container must not run as uid 0,
 * whether set by runAsUser or by the image; a non-numeric image user cannot be verified and is
 * refused too. Returns the CreateContainerConfigError message, or null when it may start.
 */
export function verifyRunAsNonRoot(pod: Pod, container: AnyContainer, image: ImageUser): string | null {
  const sc = determineEffectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return null;
  const where = `(pod: "${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})", container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${where}` : null;
  }
  if (image.uid === 0) return `container has runAsNonRoot and image will run as root ${where}`;
  if (image.uid === null && image.username) {
    return `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root ${where}`;
  }
  return null;
}

/**
 * `verifyRunAsNonRoot` with the image looked up only when the policy asks for it: the check the
 * container start runs right before CreateContainer (a message → CreateContainerConfigError).
 */
export async function checkRunAsNonRoot(
  images: Pick<ImageService, 'imageStatus'>,
  pod: Pod,
  container: AnyContainer,
  imageRef: string,
): Promise<string | null> {
  const sc = determineEffectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return null;
  const user =
    sc.runAsUser !== undefined ? { uid: sc.runAsUser, username: '' } : await getImageUser(images, imageRef);
  return verifyRunAsNonRoot(pod, container, user);
}
