/**
 * Function operations on Lambda, returning the shapes of the local router.
 * The Lambda client is imported on the first call.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';

import type { OperationTable } from './driver.ts';

/**
 * Maximum size of an `Event` invocation's payload: 1 MB since 2025, 256 KB
 * before (Lambda Invoke API reference).
 */
export const MAX_EVENT_PAYLOAD_BYTES = 1_048_576;

export function createFunctionOperations(): OperationTable {
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-lambda'); client: LambdaClient }> | undefined;
  const load = () => {
    loaded ??= import('@aws-sdk/client-lambda').then((sdk) => ({ sdk, client: new sdk.LambdaClient({}) }));
    return loaded;
  };

  return {
    async invokeAsync(functionName: string, input: { payload?: unknown }) {
      const payload = Buffer.from(JSON.stringify(input.payload ?? {}));
      // Lambda rejects the request too; checking here fails fast without sending a megabyte.
      if (payload.byteLength > MAX_EVENT_PAYLOAD_BYTES) throw payloadTooLarge(payload.byteLength);

      const { sdk, client } = await load();
      const output = await client.send(new sdk.InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: payload }));
      return { statusCode: output.StatusCode, requestId: output.$metadata.requestId };
    },
  };
}

/**
 * Lambda's error for an oversized `Event` payload. Invoke returns it with
 * HTTP 413 and this message, as SDK errors quoted in public bug reports show.
 */
function payloadTooLarge(size: number): Error {
  const error = new Error(`${size} byte payload is too large for the Event invocation type (limit ${MAX_EVENT_PAYLOAD_BYTES} bytes)`);
  error.name = 'RequestEntityTooLargeException';
  return error;
}
