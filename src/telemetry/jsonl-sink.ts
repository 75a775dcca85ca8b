import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from './events.js';
import { makeStateDirectory } from '../workflow/project-root.js';
import { openToAppend, writeBack } from '../util/write-back.js';
import { ioReason } from '../errors.js';

/**
 * Writes events as JSON Lines to a file, or to stdout for `-`. With
 * `writeBack` (a file of the run's own directory), a file deleted while the
 * run went on (by a task) is written back whole when it closes; a path the
 * user gave may be a pipe or a device, and is written as it is.
 */
export class JsonlSink {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly ownsStream: boolean;
  private readonly fd?: number;

  constructor(private readonly path: string, private readonly options: { writeBack?: boolean } = {}) {
    if (path === '-') {
      this.stream = process.stdout;
      this.ownsStream = false;
    } else {
      makeStateDirectory(dirname(path));
      // Opened here, so that a path that cannot be written is an error before the run starts.
      this.fd = options.writeBack ? openToAppend(path, makeStateDirectory) : openSync(path, 'a');
      this.stream = createWriteStream(path, { fd: this.fd, autoClose: false });
      this.stream.on('error', (error) => {
        this.failure ??= ioReason(error);
      });
      this.ownsStream = true;
    }
  }

  /** Whether the file was deleted while it was written, and written back when it closed. */
  wroteBack = false;

  /** Why events could not be written, if they could not (a full disk). */
  failure?: string;

  private pending = '';
  private timer?: NodeJS.Timeout;

  /** Events go out together, at most 50 ms late (the store has task ends at once). */
  write(event: RunEvent): void {
    this.pending += `${JSON.stringify(event)}\n`;
    if (this.pending.length > 65536) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), 50);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    this.stream.write(this.pending);
    this.pending = '';
  }

  /** Resolves once everything written is flushed. */
  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => {
      if (this.ownsStream) {
        (this.stream as WriteStream).end((error?: Error | null) => {
          if (error) this.failure ??= ioReason(error);
          resolve(this.release());
        });
      }
      else this.stream.write('', () => resolve());
    });
  }

  private release(): void {
    if (this.fd === undefined) return;
    try {
      if (this.options.writeBack && this.failure === undefined) this.wroteBack = writeBack(this.fd, this.path, makeStateDirectory);
    } catch (error) {
      this.failure = ioReason(error);
    } finally {
      closeSync(this.fd);
    }
  }
}
