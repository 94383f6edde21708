/**
 * Exec probe (upstream `pkg/probe/exec`): the command runs in the container through CRI
 * ExecSync with the probe's timeout; exit 0 is a success, any other exit a failure with the
 * command's output, and a command that outlives the timeout a failure too.
 */
import { isDeadlineExceeded, type Runtime } from '../../container/runtime.js';
import type { ProbeOutcome } from './index.js';

const MAX_OUTPUT = 10 * 1024;

const timedOut = (err: unknown): boolean =>
  isDeadlineExceeded(err) || /timeout .*exceeded|deadline exceeded/i.test((err as Error)?.message ?? '');

export async function execProbe(
  runtime: Pick<Runtime, 'execSync'>,
  containerID: string,
  command: string[],
  timeoutSeconds: number,
): Promise<ProbeOutcome> {
  try {
    const res = await runtime.execSync(containerID, command, timeoutSeconds);
    const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_OUTPUT).toString('utf8');
    if (res.exit_code === 0) return { result: 'Success', output };
    return { result: 'Failure', output: output || `command exited with ${res.exit_code}` };
  } catch (err) {
    if (timedOut(err)) {
      return { result: 'Failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
    }
    throw err;
  }
}
