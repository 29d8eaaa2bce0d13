/**
 * Chooses the driver once per execution environment: the local cloud's
 * channel when the environment has one, otherwise the AWS SDK. The AWS driver
 * is imported only when it is chosen, and bundles leave the AWS SDK out
 * (Lambda's Node.js runtime provides it), so local bundles stay small.
 */
import { CHANNEL_KEY, type ClientChannel } from '../runtime/channel.ts';
import type { Driver } from './protocol.ts';

let chosen: Promise<Driver> | undefined;

export function getDriver(): Promise<Driver> {
  chosen ??= chooseDriver();
  return chosen;
}

async function chooseDriver(): Promise<Driver> {
  const channel = (globalThis as Record<symbol, ClientChannel | undefined>)[CHANNEL_KEY];
  if (channel) return channel;

  const { createAwsDriver } = await import('./aws/driver.ts');
  return createAwsDriver();
}

/** Runs an operation on the chosen driver. */
export async function callDriver(kind: Parameters<Driver['call']>[0], resource: string, op: string, input: unknown): Promise<unknown> {
  const driver = await getDriver();
  return driver.call(kind, resource, op, input);
}
