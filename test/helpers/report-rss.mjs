// Preloaded with --import: writes this process's peak memory (KB) to $ORCHESTRATE_TEST_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.ORCHESTRATE_TEST_RSS_FILE) writeFileSync(process.env.ORCHESTRATE_TEST_RSS_FILE, String(process.resourceUsage().maxRSS));
});
