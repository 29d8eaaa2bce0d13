/**
 * Reading a function's partial batch response. Lambda counts a batch as a
 * complete success when the response is empty, null, or lists no failures,
 * and as a complete failure when any listed item is empty, null, badly keyed
 * or not in the batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 */

export type BatchItemFailures =
  | { readonly kind: 'none' }
  | { readonly kind: 'some'; readonly identifiers: ReadonlySet<string> }
  | { readonly kind: 'invalid'; readonly reason: string };

export function readBatchItemFailures(payload: unknown, batchIdentifiers: ReadonlySet<string>): BatchItemFailures {
  if (payload === null || payload === undefined) return { kind: 'none' };
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return { kind: 'invalid', reason: `the response is not an object: ${JSON.stringify(payload)}` };
  }

  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return { kind: 'none' };
  if (!Array.isArray(failures)) return { kind: 'invalid', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'none' };

  const identifiers = new Set<string>();
  for (const failure of failures) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof identifier !== 'string' || identifier === '') {
      return { kind: 'invalid', reason: `a failure has no itemIdentifier: ${JSON.stringify(failure)}` };
    }
    if (!batchIdentifiers.has(identifier)) {
      return { kind: 'invalid', reason: `itemIdentifier "${identifier}" is not in the batch` };
    }
    identifiers.add(identifier);
  }
  return { kind: 'some', identifiers };
}
