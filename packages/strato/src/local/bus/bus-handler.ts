/**
 * Bus operations as `strato/client` sends them, for the resource router.
 */
import { AwsError, notAuthorizedMessage, type KindHandler, type LocalAccount, type OperationRequest } from '../router/index.ts';
import type { EventBus } from './event-bus.ts';

const busArn = (request: OperationRequest, account: LocalAccount) =>
  `arn:aws:events:${account.region}:${account.accountId}:event-bus/${request.resource}`;

export function createBusHandler(bus: EventBus): KindHandler {
  return {
    operations: {
      putEvents: {
        action: 'events:PutEvents',
        resourceArn: busArn,
        run: ({ input }) => bus.putEvents((input as { Entries?: unknown } | undefined)?.Entries),
      },
    },

    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDeniedException', notAuthorizedMessage(caller, action, resourceArn));
    },

    unknownOperation(op) {
      return new AwsError('UnknownOperationException', `Unknown bus operation "${op}". Use putEvents.`);
    },
  };
}
