// The sink's per-program state: padded/coloured prefixes, json bindings, tail rings, where each
// stream is printed and its log files (routes.ts decides). Adding or removing a program re-pads
// every prefix, because the name column is as wide as the widest name.
import type { ProgramSpec } from '../model/spec.ts';
import { LogFile, type LogFileSpec, type Loss } from './log-file.ts';
import type { OwnFds, OwnStream } from './own-output.ts';
import { PRINTED, routeOf } from './routes.ts';
import { logRing, type RingBuffer } from './ring-buffer.ts';
import { jsonBindings } from './json-lines.ts';
import { ColorAssigner, makePrefixes, nameWidth, type PrefixPair, type StreamName } from './prefix.ts';

/** The log-related fields of a program (a ProgramSpec fits). */
export type ProgramLogConfig = Pick<
  ProgramSpec,
  | 'name'
  | 'redirect_stderr'
  | 'stdout_logfile'
  | 'stdout_logfile_maxbytes'
  | 'stdout_logfile_backups'
  | 'stderr_logfile'
  | 'stderr_logfile_maxbytes'
  | 'stderr_logfile_backups'
  | 'print'
>;

export interface ProgramOut {
  readonly name: string;
  prefixes: Record<StreamName, PrefixPair>;
  readonly jsonBindings: Record<StreamName, string>;
  readonly rings: Record<StreamName, RingBuffer>;
  /** pidone's stream each program stream is printed on; null: not printed. */
  print: Record<StreamName, OwnStream | null>;
  files: Partial<Record<StreamName, LogFile>>;
  /** The file specs the files were opened from, to see whether a reload changed them. */
  fileKey: string;
}

export interface ProgramsOptions {
  readonly colored: boolean;
  readonly tailBytes: number;
  readonly highWaterMark: number;
  /** pidone's own output fds: a log file that is one of them is not a separate file. */
  readonly ownFds: OwnFds;
  readonly onFileError: (message: string, level?: 'error' | 'warn') => void;
  readonly onFileDrained: (file: LogFile) => void;
}

/** Registry of the programs the sink knows, keyed by process name. */
export class Programs {
  private readonly opts: ProgramsOptions;
  private readonly byName = new Map<string, ProgramOut>();
  private readonly colors = new ColorAssigner();
  /** Files being closed after a reload or removal; flush() waits for them. */
  private readonly closing = new Set<Promise<void>>();
  /** Every file ever opened that lost output, for the report at close. */
  private readonly lossy = new Set<LogFile>();
  width = nameWidth([]);

  constructor(opts: ProgramsOptions) {
    this.opts = opts;
  }

  get(name: string): ProgramOut | undefined {
    return this.byName.get(name);
  }

  /** Adds a program or updates its log files; returns its state. */
  add(program: string | ProgramLogConfig): ProgramOut {
    const name = typeof program === 'string' ? program : program.name;
    let p = this.byName.get(name);
    if (p === undefined) {
      p = {
        name,
        prefixes: this.prefixesOf(name),
        jsonBindings: { stdout: jsonBindings(name, 'stdout'), stderr: jsonBindings(name, 'stderr') },
        rings: {
          stdout: logRing(typeof program === 'string' ? undefined : program.stdout_logfile_maxbytes, this.opts.tailBytes),
          stderr: logRing(typeof program === 'string' ? undefined : program.stderr_logfile_maxbytes, this.opts.tailBytes),
        },
        print: { stdout: PRINTED.print, stderr: PRINTED.print },
        files: {},
        fileKey: '[]',
      };
      this.byName.set(name, p);
      // Only a wider name moves the column (a full scan per add made 1,000 programs O(n²)).
      if (name.length > this.width) this.repad();
    }
    if (typeof program !== 'string') this.setRoutes(p, program);
    return p;
  }

  /** Forgets a program; its files are closed once what is queued is written. */
  remove(name: string): void {
    const p = this.byName.get(name);
    if (p === undefined) return;
    this.byName.delete(name);
    this.colors.release(name);
    this.closeFiles(p);
    this.repad();
  }

  reopen(): void {
    for (const p of this.byName.values()) for (const f of Object.values(p.files)) f.reopen();
  }

  async flush(): Promise<void> {
    const waits: Promise<void>[] = [...this.closing];
    for (const p of this.byName.values()) for (const f of Object.values(p.files)) waits.push(f.flush());
    await Promise.all(waits);
  }

  async close(): Promise<void> {
    for (const p of this.byName.values()) this.closeFiles(p);
    await Promise.all([...this.closing]);
  }

  /** Gives up on every file that still has output waiting (the final flush deadline passed). */
  abandonSlow(reason: string): void {
    for (const f of this.files()) if (f.pending > 0) f.abandon(reason);
  }

  /** What each file did not get, by path (files closed by reloads included). */
  losses(): { path: string; loss: Loss }[] {
    const out: { path: string; loss: Loss }[] = [];
    for (const f of new Set([...this.lossy, ...this.files()])) {
      const loss = f.lost();
      if (loss !== null) out.push({ path: f.path, loss });
    }
    return out;
  }

  private *files(): Iterable<LogFile> {
    for (const p of this.byName.values()) yield* Object.values(p.files);
  }

  private prefixesOf(name: string): Record<StreamName, PrefixPair> {
    const color = this.opts.colored ? this.colors.colorOf(name) : null;
    return {
      stdout: makePrefixes(name, this.width, 'stdout', color),
      stderr: makePrefixes(name, this.width, 'stderr', color),
    };
  }

  private repad(): void {
    const width = nameWidth(this.byName.keys());
    if (width === this.width) return;
    this.width = width;
    for (const p of this.byName.values()) p.prefixes = this.prefixesOf(p.name);
  }

  private setRoutes(p: ProgramOut, c: ProgramLogConfig): void {
    const stdout = routeOf(c, 'stdout', this.opts.ownFds);
    const stderr = routeOf(c, 'stderr', this.opts.ownFds);
    p.print = { stdout: stdout.print, stderr: stderr.print };
    const key = JSON.stringify([stdout.file, stderr.file]);
    if (key === p.fileKey) return;
    this.closeFiles(p);
    p.fileKey = key;
    const specs: Record<StreamName, LogFileSpec | null> = { stdout: stdout.file, stderr: stderr.file };
    for (const stream of ['stdout', 'stderr'] as const) {
      const spec = specs[stream];
      if (spec === null) continue;
      const file: LogFile = new LogFile({
        ...spec,
        highWaterMark: this.opts.highWaterMark,
        onError: this.opts.onFileError,
        onDrain: () => this.opts.onFileDrained(file),
      });
      p.files[stream] = file;
    }
  }

  private closeFiles(p: ProgramOut): void {
    for (const f of Object.values(p.files)) {
      this.lossy.add(f); // kept only if it lost something (below)
      // A closed file can no longer congest anything.
      const done: Promise<void> = f.close().finally(() => {
        this.closing.delete(done);
        if (f.lost() === null) this.lossy.delete(f);
        this.opts.onFileDrained(f);
      });
      this.closing.add(done);
    }
    p.files = {};
    p.fileKey = '[]';
  }
}
