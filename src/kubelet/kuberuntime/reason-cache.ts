/**
 * Why a container is not running although it should (upstream kubelet `reasonCache`): the last
 * start failure per pod UID and container name (CrashLoopBackOff, ErrImagePull,
 * ImagePullBackOff, ErrImageNeverPull, CreateContainerConfigError, CreateContainerError,
 * RunContainerError). Written by the executor, read by the status generator as the Waiting reason.
 */
export interface ContainerReason {
  reason: string;
  message: string;
}

export class ReasonCache {
  private readonly entries = new Map<string, ContainerReason>();
  private static key = (uid: string, name: string) => `${uid}/${name}`;

  get(uid: string, name: string): ContainerReason | undefined {
    return this.entries.get(ReasonCache.key(uid, name));
  }
  set(uid: string, name: string, reason: ContainerReason): void {
    this.entries.set(ReasonCache.key(uid, name), reason);
  }
  delete(uid: string, name: string): void {
    this.entries.delete(ReasonCache.key(uid, name));
  }
  forget(uid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${uid}/`)) this.entries.delete(key);
  }
}
