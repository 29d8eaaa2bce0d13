/**
 * Classification of request bodies into text and binary, as HTTP APIs make it. HTTP APIs base64-encode
 * binary bodies (images, `application/octet-stream`, `multipart/form-data`)
 * without any `binaryMediaTypes` setting, and pass JSON, plain text and form
 * data as text (observed on AWS, reported in
 * https://github.com/aws/aws-sam-cli/issues/3110).
 */

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'application/graphql',
  'application/x-ndjson',
]);

/** Returns true when a body of this `content-type` header value reaches the handler as text. */
export function isTextContentType(contentType: string | undefined): boolean {
  // NOTE: a body sent without a content type is passed as text here; what AWS does then is not documented.
  if (contentType === undefined || contentType === '') return true;

  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType.startsWith('text/')
    || TEXT_TYPES.has(mediaType)
    || mediaType.endsWith('+json')
    || mediaType.endsWith('+xml');
}
