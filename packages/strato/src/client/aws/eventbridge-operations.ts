/**
 * Bus operations on EventBridge, returning the shape of the local router.
 * The EventBridge client is imported on the first call, so functions that
 * do not publish do not load it.
 */
import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

import type { OperationTable } from './driver.ts';

export function createBusOperations(): OperationTable {
  let client: Promise<{ sdk: typeof import('@aws-sdk/client-eventbridge'); client: EventBridgeClient }> | undefined;
  const load = () => {
    client ??= import('@aws-sdk/client-eventbridge').then((sdk) => ({ sdk, client: new sdk.EventBridgeClient({}) }));
    return client;
  };

  return {
    async putEvents(bus: string, input: { Entries?: PutEventsRequestEntry[] }) {
      const { sdk, client: eventBridge } = await load();
      const entries = (input.Entries ?? []).map((entry) => ({ ...entry, EventBusName: bus }));
      const output = await eventBridge.send(new sdk.PutEventsCommand({ Entries: entries }));
      return { FailedEntryCount: output.FailedEntryCount ?? 0, Entries: output.Entries ?? [] };
    },
  };
}
