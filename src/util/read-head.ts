import { closeSync, openSync, readSync } from 'node:fs';

/** The first `bytes` bytes of a file as text, without reading the rest (a log may be hundreds of MB). Throws if it cannot be read. */
export function readHead(path: string, bytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/** readHead, or undefined when the file is not there or cannot be read: then what it holds is not known. */
export function readHeadIfReadable(path: string, bytes: number): string | undefined {
  try {
    return readHead(path, bytes);
  } catch {
    return undefined;
  }
}
