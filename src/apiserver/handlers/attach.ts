/** `pods/attach` (upgrade): the streams of a container's main process; see streaming/remotecommand-handler.ts. */
import { serveRemoteCommand } from '../streaming/remotecommand-handler.js';
import type { UpgradeContext } from '../streaming/upgrade.js';

export const handleAttach = (ctx: UpgradeContext): Promise<void> => serveRemoteCommand(ctx, 'attach');
