const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text with its control characters (a newline, a terminal escape) written as
 * escapes (`\n`, `\u001b`): it stays one line and cannot drive the terminal
 * it is printed on.
 */
export function visibleText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, escape);
}

/** A line of a script or prompt as visibleText shows it, but with its tabs kept (indentation, harmless). */
export function visibleLine(line: string): string {
  return line.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, escape);
}

/** Text in double quotes as JSON writes it, with the C1 controls JSON leaves as they are (\u009b starts a terminal command too) escaped as well. */
export function quotedText(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, escape);
}

function escape(c: string): string {
  return ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A terminal's commands in text: CSI sequences (colours, cursor moves, clearing) and OSC ones (a window title, a link). */
const TERMINAL_COMMANDS = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?/g;

/**
 * A line of a task's output as a report shows it: what a terminal would
 * leave of a line redrawn with carriage returns (a progress bar's last
 * state), without the terminal's commands (colours, clearing, a title),
 * and other control characters as escapes (tabs kept).
 */
export function outputLine(line: string): string {
  const segments = line.replace(/\r+$/, '').split('\r');
  const shown = segments.filter((s) => s !== '').pop() ?? '';
  return visibleLine(shown.replace(TERMINAL_COMMANDS, ''));
}
