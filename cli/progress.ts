// Progress of a long run: a live line rewritten in place on a terminal, plain periodic lines
// otherwise (CI logs), always on stderr so stdout stays free for reports.

export class Progress {
  private last = 0;
  private shown = false;
  private readonly tty: boolean;

  constructor(
    private readonly intervalMs = process.stderr.isTTY ? 250 : 10_000,
    private readonly quiet = false,
  ) {
    this.tty = !!process.stderr.isTTY;
  }

  update(line: string, force = false): void {
    if (this.quiet) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    if (this.tty) {
      process.stderr.write(`\r\x1b[K${line}`);
      this.shown = true;
    } else {
      process.stderr.write(`${line}\n`);
    }
  }

  /** A line that must not be overwritten (a finding), printed above the live line. */
  note(line: string): void {
    if (this.tty && this.shown) process.stderr.write('\r\x1b[K');
    process.stderr.write(`${line}\n`);
  }

  done(): void {
    if (this.tty && this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}

export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** "90s", "15m", "2h", "1h30m" or plain seconds -> milliseconds. */
export function durationMs(v: string): number | null {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(v.trim());
  if (/^\d+$/.test(v.trim())) return Number(v) * 1000;
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}
