/**
 * Reads a fetch response body up to `maxBytes` (DESIGN rule 9: outbound fetches are bounded), checking
 * the declared Content-Length first and counting while streaming, so an oversized or endless body is
 * cut off rather than buffered. The caller decides which error each failure becomes.
 */
export async function readBoundedBody(
  response: Response,
  maxBytes: number,
  errors: { tooLarge(): Error; readFailed(cause: unknown): Error },
): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw errors.tooLarge();
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw errors.readFailed(cause);
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw errors.tooLarge();
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks, total);
}
