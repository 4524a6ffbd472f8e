import { createInterface } from 'node:readline/promises';
/** Where a command writes: data (tables, YAML) to `out`, progress lines to `err`, as the Flux CLI does. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own streams. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Flux's stderr logger: ✚ generate, ► action, ✔ success, ◎ waiting, ✗ failure, ⚠️ warning. */
export class Printer {
  constructor(private readonly io: CliIo) {}

  generate(message: string): void {
    this.io.err(`✚ ${message}\n`);
  }

  action(message: string): void {
    this.io.err(`► ${message}\n`);
  }

  success(message: string): void {
    this.io.err(`✔ ${message}\n`);
  }

  waiting(message: string): void {
    this.io.err(`◎ ${message}\n`);
  }

  failure(message: string): void {
    this.io.err(`✗ ${message}\n`);
  }

  warning(message: string): void {
    this.io.err(`⚠️ ${message}\n`);
  }

  /** Data for stdout: tables, YAML. */
  data(text: string): void {
    this.io.out(text);
  }
}

/** A failure already reported with its own ✗ lines: the runner only sets the exit code. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
}

/**
 * Flux's table layout (olekukonko/tablewriter, no borders, `SetNoWhiteSpace` with a tab as padding): every cell,
 * the last one too, padded to its column's width and followed by a tab, so both humans and `cut -f` can read it.
 */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => `${cell.padEnd(widths[column] ?? 0)}\t`).join('');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Asks a yes/no question on the terminal; without one (a pipe, CI) the answer is no, so nothing happens unasked. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question}? [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}
