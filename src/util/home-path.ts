import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * A path that starts with `~` (alone, or `~/...`) as the shell reads it: in the
 * home directory (`$HOME`, else the user's). `~user` and a `~` further on are
 * left as written.
 */
export function expandHome(path: string): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return join(process.env.HOME || homedir(), path.slice(1));
}
