import { closeSync, createWriteStream, writeSync, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { MaskingStream, SecretMasker } from '../telemetry/mask.js';
import type { OutputStream } from './spawner/protocol.js';
import { ioReason } from '../errors.js';
import { openToAppend, writeBack } from '../util/write-back.js';
import { makeStateDirectory } from '../workflow/project-root.js';
import { outputLine } from '../util/visible-text.js';

/** How long a task stays quiet before lines held back for a secret that holds a line break go out. */
const QUIET_MS = 200;

/** The last lines of an attempt that its tail keeps (the summary's, the result's `logTail`). */
export const TAIL_LINES = 20;
/** Characters of a line the tail keeps (the summary's, the result's `logTail`): the log file has the whole line. */
const TAIL_LINE_CHARS = 500;
/** GitHub Actions' workflow command by which a step's stdout registers a secret to mask. */
const ADD_MASK = '::add-mask::';
/** A line longer than this is written in pieces, so memory stays bounded. */
const MAX_PARTIAL_LINE = 16 * 1024;

/** Splits text into lines; `ends` is false for a piece of a line too long to hold, whose rest follows. */
class LineSplitter {
  private partial = '';
  constructor(private readonly emit: (line: string, ends: boolean) => void) {}
  write(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      this.emit(this.partial + text.slice(from, nl), true);
      this.partial = '';
      from = nl + 1;
    }
    this.partial += text.slice(from);
    if (this.partial.length > MAX_PARTIAL_LINE) {
      this.emit(this.partial, false);
      this.partial = '';
    }
  }
  end(): void {
    if (this.partial) this.emit(this.partial, true);
    this.partial = '';
  }
}

/** A line of the tail: its first characters, and how many more the log has. */
interface TailLine {
  text: string;
  more: number;
}

/**
 * Finds `::add-mask::VALUE` lines in raw output, keeping nothing of a line
 * once it cannot be one: it costs a scan for line ends, not a copy of lines.
 */
class MaskCommands {
  /** The current line while it may still be a command; undefined once it cannot. */
  private line: string | undefined = '';
  constructor(private readonly found: (value: string) => void) {}

  write(text: string): void {
    for (let from = 0; ;) {
      const nl = text.indexOf('\n', from);
      if (this.line !== undefined) {
        this.line += nl === -1 ? text.slice(from) : text.slice(from, nl);
        const n = Math.min(this.line.length, ADD_MASK.length);
        if (this.line.slice(0, n) !== ADD_MASK.slice(0, n) || this.line.length > MAX_PARTIAL_LINE) this.line = undefined;
      }
      if (nl === -1) return;
      this.end();
      from = nl + 1;
    }
  }

  /** The current line has ended. */
  end(): void {
    if (this.line !== undefined && this.line.length > ADD_MASK.length) this.found(this.line.slice(ADD_MASK.length).replace(/\r$/, ''));
    this.line = '';
  }
}

/**
 * Streams an attempt's stdout and stderr, masked, into the task's log file:
 * one line per output line, prefixed `out| ` or `err| `. Keeps only the last
 * lines in memory, and pauses the child's pipes while the file catches up.
 * A stdout line `::add-mask::VALUE` (GitHub Actions' command) masks VALUE from
 * then on: it is seen in the raw output, before that output is masked, and
 * `onSecret` is told.
 */
export class TaskLog {
  private stream?: WriteStream;
  /** The log file's descriptor while it is open (closed here, not by the stream: see close). */
  private fd?: number;
  private pendingHeader?: string;
  private readonly tailLines: TailLine[] = [];
  /** The tail's line of a stream whose current line has not ended (a piece of a long line was kept). */
  private readonly openLines = new Map<OutputStream, TailLine>();
  private readonly sources: Readable[] = [];
  private waiting = false;

  /**
   * @param onLine also given every output line, masked (for the console)
   * @param onSecret told each value a `::add-mask::` line added to the masker
   */
  constructor(private readonly path: string, private readonly masker: SecretMasker, private readonly onLine?: (stream: OutputStream, line: string) => void, private readonly onSecret?: (value: string) => void) {}

  /**
   * Writes to the log file, opened on the first line (a task that prints
   * nothing costs no file); false when the file asks to wait for its drain.
   */
  private write(text: string): boolean {
    if (this.writeError !== undefined) return true;
    if (!this.stream) {
      try {
        this.fd = openToAppend(this.path, makeStateDirectory);
      } catch (error) {
        this.failed(error as Error);
        return true;
      }
      // The header is on disk before anything else can be: a note the runner appends (a service's missing artifact) comes under it.
      try {
        if (this.pendingHeader !== undefined) writeSync(this.fd, this.pendingHeader);
      } catch (error) {
        this.failed(error as Error);
        return true;
      }
      this.stream = createWriteStream(this.path, { fd: this.fd, autoClose: false });
      this.stream.on('error', (error) => this.failed(error));
    }
    return text === '' || this.stream.write(text);
  }

  header(text: string): void {
    this.pendingHeader = `${this.masker.mask(text)}\n`;
  }

  /** Makes the log with its header now, before any line: a service's log says it started while it runs quiet. */
  begin(): void {
    this.write('');
  }

  attach(stream: Readable | null, label: OutputStream): void {
    if (!stream) return;
    this.sources.push(stream);
    const masking: MaskingStream = this.masker.stream();
    const generation = this.masker.generation;
    const lines = new LineSplitter((masked, ends) => {
      // A secret registered since this stream began may sit in text masked before: masked again, per line.
      const line = generation === this.masker.generation ? masked : this.masker.mask(masked);
      this.keep(line, label, ends);
      this.onLine?.(label, line);
      if (!this.write(`${label}| ${line}\n`) && !this.waiting) {
        this.waiting = true;
        for (const s of this.sources) s.pause();
        this.stream!.once('drain', () => this.resumeSources());
      }
    });
    stream.setEncoding('utf8');
    const commands = label === 'out' ? new MaskCommands((value) => this.addMask(value)) : undefined;
    let quiet: NodeJS.Timeout | undefined;
    stream.on('data', (chunk: string) => {
      commands?.write(chunk);
      lines.write(masking.write(chunk));
      // Lines held back for a secret with a line break go out once the task has been quiet a moment.
      clearTimeout(quiet);
      if (masking.holdsLines) quiet = setTimeout(() => lines.write(masking.flushLines()), QUIET_MS).unref();
    });
    stream.on('end', () => {
      clearTimeout(quiet);
      commands?.end();
      lines.write(masking.end());
      lines.end();
    });
    stream.on('error', () => undefined);
  }

  private resumeSources(): void {
    this.waiting = false;
    for (const s of this.sources) s.resume();
  }

  /** A value a stdout line registered: the masker takes it (not one under 3 characters). */
  private addMask(value: string): void {
    if (this.masker.add(value)) this.onSecret?.(value);
  }

  /** Writes a line of the runner's own (e.g. why the attempt failed). */
  note(text: string): void {
    const line = this.masker.mask(text);
    this.keep(line);
    this.write(`--- ${line}\n`);
  }

  /**
   * Keeps a line for the tail shown in the summary: its first characters. A
   * piece of a longer line (`ends` false) is continued by the stream's next one.
   */
  private keep(piece: string, stream?: OutputStream, ends = true): void {
    const open = stream && this.openLines.get(stream);
    if (open && this.tailLines.includes(open)) {
      const kept = cut(piece, Math.max(0, TAIL_LINE_CHARS - open.text.length));
      open.text += kept;
      open.more += piece.length - kept.length;
    } else {
      const kept = cut(piece, TAIL_LINE_CHARS);
      const line = { text: kept, more: piece.length - kept.length };
      this.tailLines.push(line);
      if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
      if (stream) this.openLines.set(stream, line);
    }
    if (stream && ends) this.openLines.delete(stream);
  }

  /**
   * The tail as the summaries show it (see outputLine), masked again where
   * cleaning changed a line: a secret the task printed with colour codes
   * inside it is whole once they are gone.
   */
  tail(): string[] {
    return this.tailLines.map((line) => {
      const shown = outputLine(line.text);
      const text = shown === line.text ? shown : this.masker.mask(shown);
      return line.more ? `${text}… (${line.more} more characters in the log)` : text;
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      // A stream that failed is already ended.
      if (!this.stream || this.stream.destroyed) return resolve(this.release());
      this.stream.end((error?: Error | null) => {
        if (error) this.failed(error);
        resolve(this.release());
      });
    });
  }

  /** Closes the file; one deleted while the task ran (with the run's directory, by a task) is written back first. */
  private release(): void {
    if (this.fd === undefined) return;
    try {
      if (this.writeError === undefined) writeBack(this.fd, this.path, makeStateDirectory);
    } catch (error) {
      this.failed(error as Error);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Why the log file could not be written (a full disk), if it could not. */
  writeError?: string;

  /**
   * The task goes on, its output still read (a pipe left full would stop it)
   * but no more written; its last lines still reach the summary, with the
   * reason the file is not whole.
   */
  private failed(error: Error): void {
    if (this.writeError !== undefined) return;
    this.writeError = ioReason(error);
    this.keep(`(the log file could not be written: ${error.message})`);
    if (this.waiting) this.resumeSources();
  }
}

/** The first `n` characters of `text`, not ending inside a surrogate pair. */
function cut(text: string, n: number): string {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}
