/**
 * Physical names of linked resources, read from the environment variables
 * that the model gives each linked function: `STRATO_BUCKET_<NAME>`,
 * `STRATO_TABLE_<NAME>`, `STRATO_QUEUE_<NAME>` and `STRATO_STREAM_<NAME>`,
 * upper case with dashes as underscores.
 */

export type LinkedKind = 'BUCKET' | 'TABLE' | 'DATABASE' | 'QUEUE' | 'STREAM' | 'FUNCTION';

/**
 * Returns the physical name of a linked resource. Without the variable, the
 * function does not link the resource, so the name is returned as it is and
 * the call fails with AccessDenied, as it would on AWS.
 */
export function physicalNameOf(kind: LinkedKind, linkName: string): string {
  if (typeof linkName !== 'string' || linkName === '') {
    throw new TypeError(`A ${kind.toLowerCase()} name must be a non-empty string; received ${JSON.stringify(linkName)}. Pass the name the function links in strato.config.ts.`);
  }
  // A link may be written `service.name`; the variable carries only the name.
  const name = linkName.slice(linkName.lastIndexOf('.') + 1);
  const variable = `STRATO_${kind}_${name.toUpperCase().replaceAll('-', '_')}`;
  return process.env[variable] ?? linkName;
}
