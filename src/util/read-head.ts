import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The first `bytes` bytes of a file (no more room than a smaller file needs), without reading the rest. Throws if it cannot be read. */
export function readHeadBytes(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(size > 0 ? Math.min(bytes, size) : bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The first `bytes` bytes of a file as UTF-8 text, without reading the rest (a log may be hundreds of MB). Throws if it cannot be read. */
export function readHead(path: string, bytes: number): string {
  return readHeadBytes(path, bytes).toString('utf8');
}

/** readHead, or undefined when the file is not there or cannot be read: then what it holds is not known. */
export function readHeadIfReadable(path: string, bytes: number): string | undefined {
  try {
    return readHead(path, bytes);
  } catch {
    return undefined;
  }
}
