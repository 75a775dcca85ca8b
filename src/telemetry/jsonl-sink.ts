import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from './events.js';
import { ignoreInGit } from '../workflow/project-root.js';
import { makeDirectory } from '../util/make-directory.js';
import { ioReason } from '../errors.js';

/** Writes events as JSON Lines to a file, or to stdout for `-`. */
export class JsonlSink {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly ownsStream: boolean;

  constructor(path: string) {
    if (path === '-') {
      this.stream = process.stdout;
      this.ownsStream = false;
    } else {
      makeDirectory(dirname(path), ignoreInGit);
      // Opened here, so that a path that cannot be written is an error before the run starts.
      this.stream = createWriteStream(path, { fd: openSync(path, 'a') });
      this.stream.on('error', (error) => {
        this.failure ??= ioReason(error);
      });
      this.ownsStream = true;
    }
  }

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
          resolve();
        });
      }
      else this.stream.write('', () => resolve());
    });
  }
}
