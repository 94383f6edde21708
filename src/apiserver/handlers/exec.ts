/** `pods/exec` (upgrade): runs a command in a container; see streaming/remotecommand-handler.ts. */
import { serveRemoteCommand } from '../streaming/remotecommand-handler.js';
import type { UpgradeContext } from '../streaming/upgrade.js';

export const handleExec = (ctx: UpgradeContext): Promise<void> => serveRemoteCommand(ctx, 'exec');
