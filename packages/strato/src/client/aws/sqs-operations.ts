/**
 * Queue operations on SQS, returning the shapes of the local router. The SQS
 * client is imported on the first call, and each queue's URL is looked up
 * once by name.
 */
import type { MessageAttributeValue as SdkAttributeValue, SQSClient } from '@aws-sdk/client-sqs';

import type { MessageAttributes, MessageSystemAttributes, ReceiveMessageInput, ReceivedMessage, SendMessageBatchEntry, SendMessageInput } from '../../local/queues/types.ts';
import type { OperationTable } from './driver.ts';

type SqsSdk = typeof import('@aws-sdk/client-sqs');

export function createQueueOperations(): OperationTable {
  let loaded: Promise<{ sdk: SqsSdk; client: SQSClient }> | undefined;
  const queueUrls = new Map<string, Promise<string>>();
  const load = () => {
    loaded ??= import('@aws-sdk/client-sqs').then((sdk) => ({ sdk, client: new sdk.SQSClient({}) }));
    return loaded;
  };
  const queueUrl = (name: string) => {
    let url = queueUrls.get(name);
    if (url === undefined) {
      url = load().then(async ({ sdk, client }) => (await client.send(new sdk.GetQueueUrlCommand({ QueueName: name }))).QueueUrl!);
      // A failed look-up is not cached, so the next call tries again.
      url.catch(() => queueUrls.delete(name));
      queueUrls.set(name, url);
    }
    return url;
  };

  return {
    async send(name: string, input: SendMessageInput) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      const output = await client.send(new sdk.SendMessageCommand({ QueueUrl, ...sdkMessage(input) }));
      return { messageId: output.MessageId, md5OfMessageBody: output.MD5OfMessageBody, md5OfMessageAttributes: output.MD5OfMessageAttributes, sequenceNumber: output.SequenceNumber };
    },

    async sendBatch(name: string, input: { entries: SendMessageBatchEntry[] }) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      const output = await client.send(new sdk.SendMessageBatchCommand({ QueueUrl, Entries: input.entries.map((entry) => ({ Id: entry.id, ...sdkMessage(entry) })) }));
      return {
        successful: (output.Successful ?? []).map((entry) => ({ id: entry.Id, messageId: entry.MessageId, md5OfMessageBody: entry.MD5OfMessageBody, md5OfMessageAttributes: entry.MD5OfMessageAttributes, sequenceNumber: entry.SequenceNumber })),
        failed: batchFailures(output.Failed),
      };
    },

    async receive(name: string, input: ReceiveMessageInput) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      const output = await client.send(new sdk.ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: input.maxNumberOfMessages,
        WaitTimeSeconds: input.waitTimeSeconds,
        VisibilityTimeout: input.visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }));
      const messages: ReceivedMessage[] = (output.Messages ?? []).map((message) => ({
        messageId: message.MessageId!,
        receiptHandle: message.ReceiptHandle!,
        body: message.Body ?? '',
        md5OfBody: message.MD5OfBody ?? '',
        md5OfMessageAttributes: message.MD5OfMessageAttributes,
        attributes: (message.Attributes ?? {}) as unknown as MessageSystemAttributes,
        messageAttributes: localAttributes(message.MessageAttributes),
      }));
      return { messages };
    },

    async delete(name: string, input: { receiptHandle: string }) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      await client.send(new sdk.DeleteMessageCommand({ QueueUrl, ReceiptHandle: input.receiptHandle }));
      return {};
    },

    async deleteBatch(name: string, input: { entries: { id: string; receiptHandle: string }[] }) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      const output = await client.send(new sdk.DeleteMessageBatchCommand({ QueueUrl, Entries: input.entries.map((entry) => ({ Id: entry.id, ReceiptHandle: entry.receiptHandle })) }));
      return { successful: (output.Successful ?? []).map((entry) => ({ id: entry.Id })), failed: batchFailures(output.Failed) };
    },

    async changeVisibility(name: string, input: { receiptHandle: string; visibilityTimeout: number }) {
      const [{ sdk, client }, QueueUrl] = await Promise.all([load(), queueUrl(name)]);
      await client.send(new sdk.ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: input.receiptHandle, VisibilityTimeout: input.visibilityTimeout }));
      return {};
    },
  };
}

function sdkMessage(input: SendMessageInput) {
  return {
    MessageBody: input.body,
    DelaySeconds: input.delaySeconds,
    MessageAttributes: input.messageAttributes === undefined ? undefined : sdkAttributes(input.messageAttributes),
    MessageGroupId: input.messageGroupId,
    MessageDeduplicationId: input.messageDeduplicationId,
  };
}

function sdkAttributes(attributes: MessageAttributes): Record<string, SdkAttributeValue> {
  const values: Record<string, SdkAttributeValue> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    values[name] = { DataType: attribute.dataType, StringValue: attribute.stringValue, BinaryValue: attribute.binaryValue };
  }
  return values;
}

function localAttributes(attributes: Record<string, SdkAttributeValue> | undefined): MessageAttributes {
  const values: Record<string, { dataType: string; stringValue?: string; binaryValue?: Uint8Array }> = {};
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    values[name] = attribute.BinaryValue !== undefined
      ? { dataType: attribute.DataType!, binaryValue: attribute.BinaryValue }
      : { dataType: attribute.DataType!, stringValue: attribute.StringValue };
  }
  return values;
}

function batchFailures(failed: { Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[] | undefined) {
  return (failed ?? []).map((entry) => ({ id: entry.Id ?? '', senderFault: entry.SenderFault ?? false, code: entry.Code ?? 'InternalError', message: entry.Message ?? '' }));
}
