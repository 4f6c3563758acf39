/** What a progress display is told as work goes on. */
export type ProgressUpdate = { done: number; total: number | null; chunks: number; current?: string };

const formatEta = (seconds: number) =>
  seconds < 60
    ? `${Math.ceil(seconds)}s`
    : `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, "0")}s`;

/**
 * A live progress bar on a TTY (files, chunks, rate, ETA), redrawn in place on stderr; plain log lines
 * (at most one a second) when stderr is not a terminal, so CI logs stay readable. Never writes stdout.
 */
export const createProgress = (label: string, stream: NodeJS.WriteStream = process.stderr) => {
  const started = performance.now();
  const isTty = stream.isTTY === true;
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p: ProgressUpdate) {
      const elapsed = (performance.now() - started) / 1000;
      const rate = elapsed > 0 ? p.done / elapsed : 0;
      const eta = p.total && rate > 0 ? formatEta((p.total - p.done) / rate) : "?";
      const count = p.total ? `${p.done}/${p.total}` : `${p.done}`;
      const stats = `${count} files · ${p.chunks} chunks · ${rate.toFixed(1)} files/s · ETA ${eta}`;
      if (isTty) {
        const width = 24;
        const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
        const bar = p.total ? `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ` : "";
        const line = `${label} ${bar}${stats}`;
        stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
        drawn = true;
      } else if (Date.now() - lastPlain >= 1000) {
        lastPlain = Date.now();
        stream.write(`${label}: ${stats}\n`);
      }
    },
    done() {
      if (isTty && drawn) stream.write("\r\x1b[2K");
    },
  };
};
