/** The `cairn` command line. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultDataDir } from '../cmd/data-dir.js';
import { CONTROL_PLANE_ROLES, parseRoles, type ControlPlaneRole } from '../controlplane/control-plane.js';
import { runAgent } from '../cmd/agent.js';
import { runServer } from '../cmd/server.js';
import { runSim } from '../cmd/sim.js';
import { runUp } from '../cmd/up.js';
import { DEFAULT_CLUSTER_DOMAIN } from '../dns/index.js';
import { DEFAULT_BRIDGE } from '../kubelet/network/cni-config.js';
import { logLevels } from '../util/log.js';

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number (0 = any free port)');
  return n;
};

/** A duration as upstream's flags take it: `40s`, `2m`, `1500ms`, or plain seconds. */
const duration = (v: string): number => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('must be a duration like 40s, 2m or 1500ms');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
};

/** `--roles`: known roles, each once. */
const roles = (v: string): ControlPlaneRole[] => {
  try {
    return parseRoles(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
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
  .option(
    '--roles <list>',
    'comma-separated parts to run: apiserver, scheduler, controller-manager; processes without ' +
      'apiserver serve no HTTP and share the work with others on the same etcd through Leases',
    roles,
    [...CONTROL_PLANE_ROLES],
  )
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
  .option(
    '--etcd-wait <duration>',
    'keep trying to reach etcd this long at start, e.g. 60s (default: fail at once)',
    duration,
  )
  .option('--scheduler-config <file>', 'KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) file')
  .option(
    '--cluster-cidr <cidr>',
    "pod subnets for nodes that bring none (each node's spec.podCIDR) are cut from this",
    '10.244.0.0/16',
  )
  .option('--node-cidr-mask-size <bits>', "prefix length of each node's pod subnet", Number, 24)
  .option('--no-allocate-node-cidrs', 'never allocate pod subnets: every agent brings its own --pod-cidr')
  .option(
    '--node-monitor-grace-period <duration>',
    'how long a node may go without renewing its Lease before it is marked Unknown (default 40s)',
    duration,
  )
  .option('--insecure-http', 'serve plain HTTP without authentication (tests only)', false)
  .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
  .action(async (opts) => {
    await runServer(opts);
  });

/** Start-up failures of the long-running commands: the message, not a stack trace. */
const orExit =
  <T>(run: (opts: T) => Promise<void>) =>
  async (opts: T): Promise<void> => {
    try {
      await run(opts);
    } catch (err) {
      process.stderr.write(`error: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };

/** The flags of the node agent, shared by `cairn agent` and `cairn up`. */
function nodeOptions(cmd: Command, manifestDefault: string): Command {
  return cmd
    .option('--node-name <name>', 'Node name (default: the hostname, lowercased)')
    .option('--containerd-socket <path>', 'use this containerd instead of starting one under the data dir')
    .option(
      '--pod-cidr <cidr>',
      "this node's pod subnet, spec.podCIDR (default: allocated by the server from its --cluster-cidr)",
    )
    .option('--cni-bridge <name>', 'Linux bridge of the pod network', DEFAULT_BRIDGE)
    .option(
      '--pod-manifest-path <dir>',
      `run the pod manifests (YAML/JSON) in this directory as static pods${manifestDefault}`,
    )
    .option(
      '--cluster-dns <ips>',
      'comma-separated DNS servers for pods (default: the DNS the agent serves on the bridge gateway)',
    )
    .option('--cluster-domain <domain>', 'the cluster DNS domain', DEFAULT_CLUSTER_DOMAIN)
    .option(
      '--busybox-as <image...>',
      'also import the locally built busybox image under these names, for nodes that reach no registry ' +
        '(the content stays busybox-static)',
    )
    .option(
      '--registry-mirror <host=url>',
      'pull images of registry HOST from URL first (containerd certs.d hosts.toml), e.g. ' +
        'docker.io=http://127.0.0.1:5000; repeatable',
      (value: string, previous: string[] = []) => [...previous, value],
    );
}

nodeOptions(
  program
    .command('agent')
    .description('Run a node agent: join a server with its node token and run the pods bound to this node.')
    .requiredOption(
      '--server <urls>',
      'API server URL, e.g. https://10.0.0.1:6443; several, comma-separated, to fail over between servers',
    )
    .option('--token <token>', "the server's node join token (<server data-dir>/server/node-token)")
    .option('--token-file <file>', 'read the node join token from this file')
    .option('--ca-cert <file>', "the server's CA certificate (<server data-dir>/server/tls/ca.crt)")
    .option('--data-dir <dir>', 'where containerd, CNI and pod state live', defaultDataDir()),
  '',
)
  .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
  .action(orExit(runAgent));

nodeOptions(
  program
    .command('up')
    .description(
      'Run a one-machine cluster: the API server and a node agent in one process (as root), ' +
        'installing missing Debian packages first.',
    )
    .option('--data-dir <dir>', 'where state, PKI, kubeconfig, containerd and pods live', defaultDataDir())
    .option('--port <n>', 'HTTPS port (0 = a free port, written into the kubeconfig)', port, 6443)
    .option('--bind-address <ip>', 'address to listen on', '127.0.0.1')
    .option('--write-kubeconfig <path>', 'also write the admin kubeconfig here'),
  ' (default: <data-dir>/manifests)',
)
  .option(
    '--cleanup-on-exit',
    'on exit, also stop every pod, containerd and the bridge (default: pods keep running)',
    false,
  )
  .option(
    '--self-hosted',
    'start only the agent, which runs the control plane as static pods in kube-system (etcd, ' +
      'kube-apiserver, kube-scheduler, kube-controller-manager; manifests in the manifest dir, ' +
      '--pod-cidr default 10.244.0.0/24, --port 0: a free port); needs Debian etcd-server',
    false,
  )
  .option('--no-install-deps', 'never install missing Debian packages, only report them')
  .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
  .action(orExit(runUp));

/** A whole number of at least 1. */
const positive = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

program
  .command('sim')
  .description(
    'Run simulated nodes (no containers): they register, renew their Leases and drive the pods bound ' +
      'to them through their lifecycle, for scale and failure experiments.',
  )
  .requiredOption('--server <url>', 'API server URL, e.g. https://127.0.0.1:6443')
  .option('--token <token>', "the server's node join token (<server data-dir>/server/node-token)")
  .option('--token-file <file>', 'read the node join token from this file')
  .option('--ca-cert <file>', "the server's CA certificate (<server data-dir>/server/tls/ca.crt)")
  .requiredOption('--nodes <n>', 'how many nodes to simulate', positive)
  .option(
    '--zones <n>',
    'spread the nodes over this many zones (topology.kubernetes.io/zone=zone-<i>)',
    positive,
  )
  .option('--node-prefix <prefix>', 'node names are <prefix><i>', 'sim-')
  .option(
    '--pod-profile <name|file>',
    'pod behaviour: default, fast, batch, or a JSON/YAML profile file',
    'default',
  )
  .addOption(new Option('--log-level <level>', 'log level').choices(logLevels).default('info'))
  .action(orExit(runSim));

await program.parseAsync(process.argv);
