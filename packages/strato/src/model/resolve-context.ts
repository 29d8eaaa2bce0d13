import type { AnyResourceModel } from './model.ts';

/** Records one problem: its place in the config, what is wrong, and the fix. */
export type Report = (place: string, message: string, fix: string) => void;

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** What the resolvers of one service share while they run. */
export interface ServiceScope {
  readonly appName: string;
  readonly service: string;
  /** Prefix of physical names: `app-service`. */
  readonly prefix: string;
  readonly root: string;
  readonly report: Report;
  readonly functionNames: ReadonlySet<string>;
  /** Queue names of the service, dead-letter queues included. */
  readonly queueNames: ReadonlySet<string>;
}

export function checkName(place: string, kind: string, name: string, report: Report): void {
  if (!NAME_PATTERN.test(name)) {
    report(place, `"${name}" is not a valid ${kind} name.`, 'Use lower case letters, digits and dashes, starting with a letter.');
  }
}

/** Returns the id of a function of the service, reporting a name that is not declared. */
export function functionRef(scope: ServiceScope, place: string, name: unknown): string {
  if (typeof name !== 'string' || !scope.functionNames.has(name)) {
    const known = [...scope.functionNames].join(', ') || 'none';
    scope.report(place, `function "${String(name)}" is not declared in service "${scope.service}".`, `Use one of its functions (${known}).`);
  }
  return `${scope.service}.${String(name)}`;
}

/** Returns the id of a queue of the service, reporting a name that is not declared. */
export function queueRef(scope: ServiceScope, place: string, name: unknown): string {
  if (typeof name !== 'string' || !scope.queueNames.has(name)) {
    const known = [...scope.queueNames].join(', ') || 'none';
    scope.report(place, `queue "${String(name)}" is not declared in service "${scope.service}".`, `Use one of its queues (${known}) or declare it under \`queues\`.`);
  }
  return `${scope.service}.${String(name)}`;
}

/** Reports a number outside a range, AWS's limits included in the message. */
export function checkRange(report: Report, place: string, value: number, min: number, max: number, unit: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    report(place, `${String(value)} is out of range.`, `Use ${unit} from ${min} to ${max}.`);
  }
}

export function resourceNames(scope: ServiceScope, name: string, envPrefix: string, physicalSuffix = '') {
  return {
    id: `${scope.service}.${name}`,
    service: scope.service,
    name,
    physicalName: `${scope.prefix}-${name}${physicalSuffix}`,
    envVar: `STRATO_${envPrefix}_${name.toUpperCase().replaceAll('-', '_')}`,
  };
}

export type ResourceIndex = Map<string, AnyResourceModel>;
