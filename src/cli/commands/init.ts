import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DEFAULT_WORKFLOW_FILES } from '../../workflow/workflow-files.js';
import { EXIT, ioErrorFrom, UsageError } from '../../errors.js';
import { schemaFile } from '../../workflow/schema.js';
import { writeErr, writeOut } from '../output.js';
import { makeDirectory } from '../../util/make-directory.js';
import { defaultFilesFrom } from '../default-workflow.js';

/** A starter workflow: valid, runs anywhere with sh, and shows needs, outputs, inputs, a matrix and retries. */
function starter(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# A starter workflow. orchestrate plan shows its schedule, orchestrate run runs it
# (orchestrate run test: one task and what it needs), orchestrate list lists its tasks,
# orchestrate lint checks it; the format is in orchestrate's README.
version: 1
inputs:
  greeting: { description: what build says, default: hello }
policy:
  maxConcurrency: 4
  retry: { maxAttempts: 2, delay: 1s }
tasks:
  setup:
    description: Prepare what the others need
    run: echo "setting up"
  build:
    description: Build, and hand the version on as an output
    needs: setup
    run: echo "\${{ inputs.greeting }} from build" && echo "version=1.0.0" >> "$ORCHESTRATE_OUTPUT"
  test:
    description: Test in three shards beside build, two at a time
    needs: setup
    matrix: { shard: [1, 2, 3] }
    maxParallel: 2
    run: echo "testing shard \${{ matrix.shard }}"
  package:
    description: Package the version build reported
    needs: [build, test]
    run: echo "packaging version \${{ tasks.build.outputs.version }}"
`;
}

/**
 * A starter of LLM agent tasks: valid, runs anywhere with sh (its agent is a
 * stand-in that answers as `claude -p --output-format json` does), and shows
 * a fan-out over what a task found, the answer as an output checked by a
 * schema, its cost read from it, a budget, rate limits and retries.
 */
function agentsStarter(schema: string): string {
  return `# yaml-language-server: $schema=${schema}
# A starter workflow of LLM agent tasks. Its agent is a stand-in that answers as
# claude -p --output-format json does: put your agent's command in its place. orchestrate plan
# shows the schedule, orchestrate run runs it; the format is in orchestrate's README.
version: 1
policy:
  maxConcurrency: 8        # agent tasks wait on an API, not on a CPU
  costBudget: 1            # no task starts that would spend past it
agents:
  reviewer:
    # Gets the prompt on stdin (and in $ORCHESTRATE_PROMPT_FILE); what it prints is its answer.
    command: |
      cat > /dev/null
      echo '{"result": "approve", "total_cost_usd": 0.01}'
    captureStdout: answer                # its answer is the output "answer"
    cost: 0.02                           # a guess of one attempt's cost, for the budget and plan
    costOutput: answer.total_cost_usd    # what an attempt cost, as its answer says
    outputSchema:                        # an answer without a result is retried
      answer: { type: object, required: [result] }
    concurrency: 4
    rateLimit: { requests: 50, per: 1m }
    retry: { maxAttempts: 3, backoff: exponential, delay: 2s }
    timeout: 5m
tasks:
  find:
    description: The files to review, one per line (three here, while the agent is being tried)
    run: ls | head -n 3
    captureStdout: files
  review:
    description: One review per file found
    needs: find
    matrix: { file: "\${{ tasks.find.outputs.files }}" }
    agent: reviewer
    prompt: Review \${{ matrix.file }}. Answer approve or reject, and why.
  summarize:
    description: Every review's verdict, once they have all ended
    needs: review
    env: { VERDICTS: "\${{ tasks.review.outputs.answer.result }}" }
    run: 'echo "verdicts: $VERDICTS"'
`;
}

/** The starters `init --template` writes. */
const STARTERS = { shell: starter, agents: agentsStarter } as const;

/** `orchestrate init [file]`: writes a starter workflow; never replaces a file that is there. */
export async function initCommand(file: string | undefined, options: { template?: keyof typeof STARTERS } = {}): Promise<number> {
  const path = resolve(file ?? 'orchestrate.yaml');
  // orchestrate.yaml beside an orchestrate.yml would take its place as the directory's workflow.
  const other = DEFAULT_WORKFLOW_FILES.includes(basename(path)) ? DEFAULT_WORKFLOW_FILES.find((name) => name !== basename(path) && existsSync(join(dirname(path), name))) : undefined;
  if (other) throw new UsageError(`${join(dirname(file ?? 'orchestrate.yaml'), other)} is already the default workflow there: ${file ?? 'orchestrate.yaml'} beside it would take its place (pick another name: orchestrate init FILE)`);
  const schema = relative(dirname(path), schemaFile('workflow.schema.json')).split('\\').join('/');
  let fd: number;
  let above: string | undefined;
  try {
    makeDirectory(dirname(path));
    // A default file below the project's workflow takes its place there, rightly (a package of its own), but not silently.
    if (DEFAULT_WORKFLOW_FILES.includes(basename(path))) above = defaultFilesFrom(dirname(path))[0];
    // 'wx': created here or not at all, so nothing the user had is replaced.
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${file ?? 'orchestrate.yaml'} already exists: init never replaces a file (pick another name)`);
    throw ioErrorFrom(file ?? 'orchestrate.yaml', error, 'write');
  }
  try {
    try {
      // All of it: writeSync may write part and say so only in its count.
      writeFileSync(fd, STARTERS[options.template ?? 'shell'](schema));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    // Made here a moment ago: half a workflow (a full disk) is not left behind.
    rmSync(path, { force: true });
    throw ioErrorFrom(file ?? 'orchestrate.yaml', error, 'write');
  }
  await writeOut(`wrote ${file ?? 'orchestrate.yaml'}: orchestrate plan${file ? ` ${file}` : ''} shows its schedule, orchestrate run${file ? ` ${file}` : ''} runs it\n`);
  if (above) {
    const before = relative(process.cwd(), above);
    const where = relative(process.cwd(), dirname(path));
    await writeErr(`orchestrate: note: ${before} was the default workflow ${where ? `in ${where}` : 'here'} until now; commands run ${where ? 'there' : 'here'} or below without a file now take ${file ?? 'orchestrate.yaml'} (orchestrate run ${before} runs the other)\n`);
  }
  return EXIT.ok;
}
