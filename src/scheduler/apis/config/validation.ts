/**
 * Validation of a defaulted KubeSchedulerConfiguration (upstream's
 * ValidateKubeSchedulerConfiguration, plus the checks upstream makes when it builds each
 * profile's framework): backoff bounds, percentages, unique scheduler names, plugin names the
 * registry knows, non-negative weights, one pluginConfig per plugin.
 */
import {
  type FieldError,
  FieldPath,
  duplicate,
  fieldErrorMessage,
  invalid,
  required,
} from '../../../apimachinery/validation/field.js';
import { builtinNoopPlugins } from './default-plugins.js';
import { ConfigError } from './decode.js';
import { type ExtensionPoint, type KubeSchedulerConfiguration, extensionPoints } from './types.js';

function validatePercentage(value: number | undefined, path: FieldPath): FieldError[] {
  if (value === undefined || (value >= 0 && value <= 100)) return [];
  return [invalid(path, value, 'not in valid range [0-100]')];
}

export function validateConfiguration(
  cfg: KubeSchedulerConfiguration,
  knownPlugins: ReadonlySet<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  if (cfg.podInitialBackoffSeconds <= 0) {
    errs.push(invalid('podInitialBackoffSeconds', cfg.podInitialBackoffSeconds, 'must be greater than 0'));
  }
  if (cfg.podMaxBackoffSeconds < cfg.podInitialBackoffSeconds) {
    errs.push(
      invalid(
        'podMaxBackoffSeconds',
        cfg.podMaxBackoffSeconds,
        'must be greater than or equal to PodInitialBackoffSeconds',
      ),
    );
  }
  errs.push(...validatePercentage(cfg.percentageOfNodesToScore, FieldPath.root('percentageOfNodesToScore')));
  const le = cfg.leaderElection;
  if (le.leaseDurationSeconds <= le.renewDeadlineSeconds) {
    errs.push(
      invalid(
        'leaderElection.leaseDuration',
        `${le.leaseDurationSeconds}s`,
        'must be greater than renewDeadline',
      ),
    );
  }
  if (le.retryPeriodSeconds <= 0) {
    errs.push(
      invalid('leaderElection.retryPeriod', `${le.retryPeriodSeconds}s`, 'must be greater than zero'),
    );
  }
  if (!cfg.profiles.length) errs.push(required('profiles'));
  const names = new Set<string>();
  cfg.profiles.forEach((profile, i) => {
    const path = FieldPath.root('profiles').index(i);
    if (!profile.schedulerName) errs.push(required(path.child('schedulerName')));
    else if (names.has(profile.schedulerName)) {
      errs.push(duplicate(path.child('schedulerName'), profile.schedulerName));
    }
    names.add(profile.schedulerName);
    errs.push(
      ...validatePercentage(profile.percentageOfNodesToScore, path.child('percentageOfNodesToScore')),
    );
    for (const point of extensionPoints as readonly ExtensionPoint[]) {
      const set = profile.plugins[point];
      const setPath = path.child('plugins', point);
      set?.enabled?.forEach((p, j) => {
        const pp = setPath.child('enabled').index(j);
        if (!knownPlugins.has(p.name) && !builtinNoopPlugins.has(p.name)) {
          errs.push(invalid(pp.child('name'), p.name, 'no plugin of this name is registered'));
        }
        if (p.weight !== undefined && p.weight < 0) {
          errs.push(invalid(pp.child('weight'), p.weight, 'must be greater than or equal to 0'));
        }
      });
      set?.disabled?.forEach((p, j) => {
        if (p.name !== '*' && !knownPlugins.has(p.name) && !builtinNoopPlugins.has(p.name)) {
          errs.push(
            invalid(
              setPath.child('disabled').index(j).child('name'),
              p.name,
              'no plugin of this name is registered',
            ),
          );
        }
      });
    }
    const configured = new Set<string>();
    profile.pluginConfig.forEach((c, j) => {
      const cp = path.child('pluginConfig').index(j);
      if (configured.has(c.name)) errs.push(duplicate(cp, c.name));
      configured.add(c.name);
      if (!knownPlugins.has(c.name) && !builtinNoopPlugins.has(c.name)) {
        errs.push(invalid(cp.child('name'), c.name, 'no plugin of this name is registered'));
      }
    });
  });
  return errs;
}

/** Throws a ConfigError listing every problem, as upstream's aggregated error does. */
export function assertValid(cfg: KubeSchedulerConfiguration, knownPlugins: ReadonlySet<string>): void {
  const errs = validateConfiguration(cfg, knownPlugins);
  if (!errs.length) return;
  const messages = errs.map(fieldErrorMessage);
  throw new ConfigError(
    `invalid KubeSchedulerConfiguration: ${messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`}`,
  );
}
