/**
 * A file's bytes as text: UTF-8, or UTF-16 when it starts with UTF-16's byte
 * order mark (what Windows PowerShell's `>` and Notepad's "Unicode" write;
 * YAML allows both). Bytes that are not UTF-8 become U+FFFD, which the YAML
 * parser refuses (`not-utf8`) rather than run a command other than the file's.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return bytes.toString('utf8');
}
