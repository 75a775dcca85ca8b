// Preloaded with --import (and inherited by forked spawner processes): appends this
// process's peak memory (KB) as a line to $ORCHESTRATE_TEST_RSS_FILE at exit.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.ORCHESTRATE_TEST_RSS_FILE) appendFileSync(process.env.ORCHESTRATE_TEST_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
