/** The `cairn` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../cmd/data-dir.js';
import { runServer } from '../cmd/server.js';
import { logLevels } from '../util/log.js';

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0 = any free port)');
  return n;
};

const program = new Command('cairn')
  .description('Kubernetes Pods, whole: a kubectl-compatible control plane and node agents on containerd.')
  .version('0.1.0');

program
  .command('server')
  .description(
    'Run the API server (with its embedded SQLite store, or etcd) and write a kubeconfig for kubectl.',
  )
  .option('--data-dir <dir>', 'where state, PKI and kubeconfig live', defaultDataDir())
  .option('--port <n>', 'HTTPS port (0 = a free port, written into the kubeconfig)', port, 6443)
  .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
  .option('--write-kubeconfig <path>', 'also write the admin kubeconfig here')
  .option('--tls-san <name...>', 'extra names or IPs for the serving certificate')
  .option('--etcd-endpoints <urls>', 'comma-separated etcd v3 endpoints (default: embedded SQLite)')
  .option('--etcd-prefix <prefix>', 'key prefix inside etcd', '')
  .option('--etcd-cafile <file>', 'CA bundle to verify etcd servers (TLS)')
  .option('--etcd-certfile <file>', 'client certificate for etcd (TLS)')
  .option('--etcd-keyfile <file>', 'client key for etcd (TLS)')
  .option('--etcd-username <name>', 'etcd user (password from CAIRN_ETCD_PASSWORD)')
  .option('--insecure-http', 'serve plain HTTP without authentication (tests only)', false)
  .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
  .action(async (opts) => {
    await runServer(opts);
  });

await program.parseAsync(process.argv);
