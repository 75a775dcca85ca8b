/**
 * Whether a shell script is a flat list of commands, one per line, that a
 * shell without `-e` runs on after one of them fails (only the last line's
 * exit code then counts): `npm ci\nnpm test`. Scripts with control flow,
 * continued lines, here-documents, multi-line strings, `||`, or a `set -e`
 * of their own are left alone: their author handles failures some way, and
 * a guess there would be wrong.
 */
export function continuesAfterFailure(script: string): boolean {
  const lines = script.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length < 2) return false;
  return lines.every((line) =>
    !ERREXIT.test(line) && !CONTROL_START.test(line) && !CONTINUED.test(line) && !line.includes('<<') && !line.includes('||') &&
    balanced(line));
}

/** `set -e`, `set -eu`, `set -euo pipefail`, `set -o errexit`. */
const ERREXIT = /^set\s+(-[a-zA-Z]*e|.*-o\s+errexit)/;
const CONTROL_START = /^(if|then|elif|else|fi|for|while|until|do|done|case|esac|function|select|trap)\b|^[{}()]/;
const CONTINUED = /(\\|&&|\||\{|\(|;;|\b(then|do|else|in))$/;

/** No quote left open at the end of the line (a string would go on to the next). */
function balanced(line: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"' || c === '`') quote = c;
  }
  return quote === undefined;
}
