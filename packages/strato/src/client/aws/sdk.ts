/**
 * The AWS SDK modules the driver uses, loaded with dynamic imports. Static
 * imports of external packages would sit at the top of a function's bundle,
 * so every local execution environment would load the SDK at start.
 */
export interface AwsSdk {
  readonly s3: typeof import('@aws-sdk/client-s3');
  readonly presigner: typeof import('@aws-sdk/s3-request-presigner');
  readonly dynamodb: typeof import('@aws-sdk/client-dynamodb');
  readonly documents: typeof import('@aws-sdk/lib-dynamodb');
}

export async function loadAwsSdk(): Promise<AwsSdk> {
  const [s3, presigner, dynamodb, documents] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/s3-request-presigner'),
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  return { s3, presigner, dynamodb, documents };
}
