// A stand-in for an LLM's HTTP API, for service-mock-api.yaml. As the service (no arguments) it
// listens on a free port of 127.0.0.1, writes url=... to $ORCHESTRATE_OUTPUT and answers
// POST /v1/answer {"prompt": ...} with {"answer": ...}. With --check (its ready command) it exits
// 0 once that server answers GET /health, else 1.
import { createServer } from 'node:http';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Where the service tells its ready check its address: one file per run.
const addressFile = join(tmpdir(), `mock-llm-api-${process.env.ORCHESTRATE_RUN_ID}.url`);

if (process.argv.includes('--check')) {
  try {
    const response = await fetch(`${readFileSync(addressFile, 'utf8')}/health`);
    process.exit(response.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}

/** A canned, deterministic answer: the prompt's first line, and how many words it had. */
function answerTo(prompt) {
  const words = prompt.trim().split(/\s+/).filter(Boolean);
  return `${prompt.trim().split('\n')[0]} (${words.length} words read)`;
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') return response.end('ok');
  if (request.method !== 'POST' || request.url !== '/v1/answer') {
    response.statusCode = 404;
    return response.end();
  }
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    console.log(`answered a prompt of ${body.length} bytes`);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ answer: answerTo(JSON.parse(body).prompt ?? '') }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  appendFileSync(process.env.ORCHESTRATE_OUTPUT, `url=${url}\n`);
  writeFileSync(addressFile, url);
  console.log(`listening on ${url}`);
});

// Stopped once every task that needs it has ended (SIGTERM to its process group).
process.on('SIGTERM', () => {
  rmSync(addressFile, { force: true });
  console.log('stopping');
  process.exit(0);
});
