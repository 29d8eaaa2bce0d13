/**
 * Queue operations as `strato/client` sends them, for the resource router.
 * Inputs and outputs use the engine's camel-cased SQS fields; binary
 * attribute values cross the channel as Uint8Array.
 */
import { AwsError, notAuthorizedMessage, type KindHandler, type LocalAccount, type Operation, type OperationRequest } from '../router/index.ts';
import type { QueueEngine } from './engine.ts';
import type { ReceiveMessageInput, SendMessageBatchEntry, SendMessageInput } from './types.ts';

const queueArn = (request: OperationRequest, account: LocalAccount) =>
  `arn:aws:sqs:${account.region}:${account.accountId}:${request.resource}`;

interface ReceiptInput { readonly receiptHandle: string }
interface VisibilityInput extends ReceiptInput { readonly visibilityTimeout: number }

export function createQueueHandler(queues: QueueEngine): KindHandler {
  const operation = (action: string, run: (request: OperationRequest) => unknown): Operation =>
    ({ action: `sqs:${action}`, resourceArn: queueArn, run });

  return {
    operations: {
      send: operation('SendMessage', ({ resource, input, caller }) =>
        queues.sendMessage(resource, (input ?? {}) as SendMessageInput, { senderId: senderIdOf(caller.principalId) })),

      sendBatch: operation('SendMessage', ({ resource, input, caller }) =>
        queues.sendMessageBatch(resource, (input as { entries?: SendMessageBatchEntry[] } | undefined)?.entries ?? [], { senderId: senderIdOf(caller.principalId) })),

      receive: operation('ReceiveMessage', async ({ resource, input }) => {
        // Never pass an AbortSignal from the caller: it cannot cross the channel.
        const { maxNumberOfMessages, visibilityTimeout, waitTimeSeconds } = (input ?? {}) as ReceiveMessageInput;
        return { messages: await queues.receiveMessage(resource, { maxNumberOfMessages, visibilityTimeout, waitTimeSeconds }) };
      }),

      delete: operation('DeleteMessage', ({ resource, input }) => {
        queues.deleteMessage(resource, (input as ReceiptInput | undefined)?.receiptHandle as string);
        return {};
      }),

      deleteBatch: operation('DeleteMessage', ({ resource, input }) =>
        queues.deleteMessageBatch(resource, (input as { entries?: { id: string; receiptHandle: string }[] } | undefined)?.entries ?? [])),

      changeVisibility: operation('ChangeMessageVisibility', ({ resource, input }) => {
        const { receiptHandle, visibilityTimeout } = (input ?? {}) as VisibilityInput;
        queues.changeMessageVisibility(resource, receiptHandle, visibilityTimeout);
        return {};
      }),
    },

    // SQS names the error AccessDenied, with HTTP status 403.
    accessDenied(caller, action, resourceArn) {
      return new AwsError('AccessDenied', notAuthorizedMessage(caller, action, resourceArn), 403);
    },

    unknownOperation(op) {
      return new AwsError('UnsupportedOperation', `Unknown queue operation "${op}". Use send, sendBatch, receive, delete, deleteBatch or changeVisibility.`);
    },
  };
}

/** SQS's SenderId of a role session is `<role id>:<session name>`, the principal id without its `AWS:` prefix. */
function senderIdOf(principalId: string): string {
  return principalId.replace(/^AWS:/, '');
}
