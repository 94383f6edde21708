/** What an e2e file needs before its cases can run here; files skip their cases otherwise. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';

/** Nodes (containerd, bridges, mounts) need root. */
export const isRoot = process.getuid?.() === 0;

/** The built agent with its pod lifecycle (`npx tsc -p tsconfig.build.json`). */
export const hasPodLifecycle = existsSync(join(repoRoot, 'dist/src/kubelet/pod-workers/index.js'));

/** The built node agent. */
export const hasAgent = existsSync(join(repoRoot, 'dist/src/kubelet/agent.js'));
