import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent } from './events.js';

/** Writes events as JSON Lines to a file, or to stdout for `-`. */
export class JsonlSink {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly ownsStream: boolean;

  constructor(path: string) {
    if (path === '-') {
      this.stream = process.stdout;
      this.ownsStream = false;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      this.stream = createWriteStream(path, { flags: 'a' });
      this.stream.on('error', () => undefined);
      this.ownsStream = true;
    }
  }

  private corked = false;

  write(event: RunEvent): void {
    // Events of one tick go out in one write.
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.corked = false;
        this.stream.uncork();
      });
    }
    this.stream.write(`${JSON.stringify(event)}\n`);
  }

  /** Resolves once everything written is flushed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ownsStream) (this.stream as WriteStream).end(() => resolve());
      else this.stream.write('', () => resolve());
    });
  }
}
