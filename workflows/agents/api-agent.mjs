// An agent that asks an HTTP API ($LLM_API, the mock service of service-mock-api.yaml) the
// prompt it gets on stdin, and prints the answer.
let prompt = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) prompt += chunk;
const response = await fetch(`${process.env.LLM_API}/v1/answer`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ prompt }),
});
if (!response.ok) {
  console.error(`the API answered ${response.status}`);
  process.exit(1);
}
console.log((await response.json()).answer);
