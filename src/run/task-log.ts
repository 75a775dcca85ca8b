import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { MaskingStream, SecretMasker } from '../telemetry/mask.js';
import type { OutputStream } from './spawner/protocol.js';

const TAIL_LINES = 20;
/** A line longer than this is written in pieces, so memory stays bounded. */
const MAX_PARTIAL_LINE = 16 * 1024;

class LineSplitter {
  private partial = '';
  constructor(private readonly emit: (line: string) => void) {}
  write(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      this.emit(this.partial + text.slice(from, nl));
      this.partial = '';
      from = nl + 1;
    }
    this.partial += text.slice(from);
    if (this.partial.length > MAX_PARTIAL_LINE) {
      this.emit(this.partial);
      this.partial = '';
    }
  }
  end(): void {
    if (this.partial) this.emit(this.partial);
    this.partial = '';
  }
}

/**
 * Streams an attempt's stdout and stderr, masked, into the task's log file:
 * one line per output line, prefixed `out| ` or `err| `. Keeps only the last
 * lines in memory, and pauses the child's pipes while the file catches up.
 */
export class TaskLog {
  private stream?: WriteStream;
  private pendingHeader?: string;
  private readonly tailLines: string[] = [];
  private readonly sources: Readable[] = [];
  private waiting = false;

  /** @param onLine also given every output line, masked (for the console) */
  constructor(private readonly path: string, private readonly masker: SecretMasker, private readonly onLine?: (stream: OutputStream, line: string) => void) {}

  /** The log file, opened on the first line: a task that prints nothing costs no file. */
  private get file(): WriteStream {
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { flags: 'a' });
      this.stream.on('error', (error) => this.failed(error));
      if (this.pendingHeader !== undefined) this.stream.write(this.pendingHeader);
    }
    return this.stream;
  }

  header(text: string): void {
    this.pendingHeader = `${this.masker.mask(text)}\n`;
  }

  attach(stream: Readable | null, label: OutputStream): void {
    if (!stream) return;
    this.sources.push(stream);
    const masking: MaskingStream = this.masker.stream();
    const lines = new LineSplitter((line) => {
      this.keep(line);
      this.onLine?.(label, line);
      if (!this.file.write(`${label}| ${line}\n`) && !this.waiting) {
        this.waiting = true;
        for (const s of this.sources) s.pause();
        this.file.once('drain', () => {
          this.waiting = false;
          for (const s of this.sources) s.resume();
        });
      }
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.write(masking.write(chunk)));
    stream.on('end', () => {
      lines.write(masking.end());
      lines.end();
    });
    stream.on('error', () => undefined);
  }

  /** Writes a line of the runner's own (e.g. why the attempt failed). */
  note(text: string): void {
    const line = this.masker.mask(text);
    this.keep(line);
    this.file.write(`--- ${line}\n`);
  }

  /** Keeps a line for the tail shown in the summary. */
  private keep(line: string): void {
    this.tailLines.push(line);
    if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
  }

  tail(): string[] {
    return [...this.tailLines];
  }

  /** Whether anything was written (the file exists). */
  get written(): boolean {
    return this.stream !== undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.stream) return resolve();
      this.stream.end((error?: Error | null) => {
        if (error) this.failed(error);
        resolve();
      });
    });
  }

  private writeFailed = false;

  /** The task goes on; its last lines still reach the summary, with the reason the file is missing. */
  private failed(error: Error): void {
    if (this.writeFailed) return;
    this.writeFailed = true;
    this.keep(`(the log file could not be written: ${error.message})`);
  }
}
