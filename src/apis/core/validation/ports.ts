/**
 * Container ports: numbers, IANA names unique per container, protocols, and host ports unique
 * across the containers that run together.
 */
import type { Container, ContainerPort, EphemeralContainer } from 'kubernetes-types/core/v1.js';
import {
  type FieldError,
  type FieldPath,
  duplicate,
  invalid,
  notSupported,
  required,
} from '../../../apimachinery/validation/field.js';
import { isValidPortName, isValidPortNum } from '../../../apimachinery/validation/names.js';

type AnyContainer = Container | EphemeralContainer;

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateContainerPorts(ports: ContainerPort[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) errs.push(...msgs.map((msg) => invalid(p.child('name'), port.name, msg)));
      else if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort')));
    else
      errs.push(
        ...isValidPortNum(port.containerPort).map((msg) =>
          invalid(p.child('containerPort'), port.containerPort, msg),
        ),
      );
    if (port.hostPort)
      errs.push(
        ...isValidPortNum(port.hostPort).map((msg) => invalid(p.child('hostPort'), port.hostPort, msg)),
      );
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!PROTOCOLS.includes(port.protocol))
      errs.push(notSupported(p.child('protocol'), port.protocol, PROTOCOLS));
  });
  return errs;
}

/** Host ports must be unique per protocol and host IP across the given containers. */
export function checkHostPortConflicts(
  containers: AnyContainer[],
  path: FieldPath,
  seen = new Set<string>(),
): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}
