// Baseline: only parse the file with js-yaml, in this process; prints {ms}.
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';

const started = performance.now();
jsYaml.load(readFileSync(process.argv[2], 'utf8'));
console.log(JSON.stringify({ ms: performance.now() - started }));
