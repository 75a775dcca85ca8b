import type { DocPath } from './diagnostics.js';
import { definitionKeys } from './schema.js';
import { ownValue } from '../util/own-value.js';

/**
 * Keys that other tools use for what orchestrate names otherwise, by where
 * they stand: GitHub Actions (`working-directory`, `timeout-minutes`, `jobs`),
 * Taskfile (`deps`, `cmds`, `dir`, `generates`, `vars`), docker compose
 * (`depends_on`), Argo (`dependencies`, `activeDeadlineSeconds`,
 * `parallelism`), Turborepo (`dependsOn`, `inputs`, `outputs`). Written
 * without case, `-` or `_`; edit distance alone would take `cmd` for `cwd`.
 */
const TASK: Record<string, string> = {
  dependson: 'needs', depends: 'needs', deps: 'needs', dependencies: 'needs', after: 'needs',
  cmd: 'run', cmds: 'run', command: 'run', commands: 'run', script: 'run', exec: 'run',
  workingdirectory: 'cwd', workdir: 'cwd', dir: 'cwd', directory: 'cwd',
  timeoutminutes: 'timeout', activedeadlineseconds: 'timeout',
  ignoreerror: 'continueOnError', allowfailure: 'continueOnError',
  environment: 'env', vars: 'env', variables: 'env',
  desc: 'description', summary: 'description', name: 'description',
  generates: 'artifacts', outputs: 'artifacts',
  inputs: 'sources',
  strategy: 'matrix',
  retrystrategy: 'retry', retries: 'retry',
};

const AGENT: Record<string, string> = {
  run: 'command', cmd: 'command', exec: 'command',
  workingdirectory: 'cwd', workdir: 'cwd', dir: 'cwd',
  environment: 'env', vars: 'env', variables: 'env',
  timeoutminutes: 'timeout',
};

const POLICY: Record<string, string> = {
  concurrency: 'maxConcurrency', parallelism: 'maxConcurrency', maxparallel: 'maxConcurrency', jobs: 'maxConcurrency', parallel: 'maxConcurrency',
  budget: 'costBudget', maxcost: 'costBudget',
  timeoutminutes: 'timeout', activedeadlineseconds: 'timeout',
  failfast: 'cancellation',
};

/** Argo's `retryStrategy.limit`, Kubernetes' `backoffLimit`, and other counts of retries. */
const RETRY: Record<string, string> = {
  limit: 'maxAttempts', retries: 'maxAttempts', maxretries: 'maxAttempts', backofflimit: 'maxAttempts', attempts: 'maxAttempts', max: 'maxAttempts',
};

/** GitHub's `workflow_dispatch` inputs: `options` of a choice. */
const INPUT: Record<string, string> = {
  options: 'enum', choices: 'enum', allowed: 'enum', values: 'enum',
};

const TOP: Record<string, string> = {
  jobs: 'tasks', steps: 'tasks', pipeline: 'tasks',
  vars: 'env', variables: 'env', environment: 'env',
  concurrency: 'policy.maxConcurrency', parallelism: 'policy.maxConcurrency', maxparallel: 'policy.maxConcurrency',
  retentiondays: 'retention.maxAge', keep: 'retention.maxRuns',
};

/** The config file's retention: `prune`'s flags, Jenkins' build discarder, GitHub's retention days. */
const RETENTION: Record<string, string> = {
  keep: 'maxRuns', keeplast: 'maxRuns', max: 'maxRuns', maxcount: 'maxRuns', numtokeep: 'maxRuns', maxbuilds: 'maxRuns', runs: 'maxRuns',
  olderthan: 'maxAge', days: 'maxAge', daystokeep: 'maxAge', retentiondays: 'maxAge', maxdays: 'maxAge', age: 'maxAge', ttl: 'maxAge',
};

/** GitHub's timeout-minutes counts minutes; a number here is seconds. */
const MINUTES = ' It takes a duration, and a plain number is seconds: 10 minutes is 10m.';
/** Other tools count retries; maxAttempts counts the first attempt too. */
const ATTEMPTS = ' It counts every attempt, the first too: 3 retries are maxAttempts: 4.';
/** A count of days is not a duration: a plain number is seconds. */
const DAYS = ' It takes a duration, and a plain number is seconds: 30 days is 30d.';

/**
 * What a few hints add, where the other tool's key means something else as
 * well (GitHub's `concurrency` is a group of runs), with the key of the same
 * object the note names, if it names one (a config file has no `exclusive`).
 */
const NOTES: Record<string, [string, string?]> = {
  'concurrency@top': [' One run of the workflow at a time, as GitHub\'s concurrency group, is "exclusive".', 'exclusive'],
  'failfast@policy': [' Stopping at the first failure is "cancellation: cascading".'],
  'outputs@task': [' Values for other tasks are appended to $ORCHESTRATE_OUTPUT.'],
  'timeoutminutes@task': [MINUTES], 'timeoutminutes@agent': [MINUTES], 'timeoutminutes@policy': [MINUTES],
  'limit@retry': [ATTEMPTS], 'retries@retry': [ATTEMPTS], 'maxretries@retry': [ATTEMPTS], 'backofflimit@retry': [ATTEMPTS],
  'days@retention': [DAYS], 'daystokeep@retention': [DAYS], 'retentiondays@retention': [DAYS], 'maxdays@retention': [DAYS], 'retentiondays@top': [DAYS],
};

/**
 * Keys of other tools with nothing of the same name here, what a task does
 * instead: GitHub Actions' `runs-on` and `uses`, the container `image` of
 * Argo, docker compose and GitLab CI, Taskfile's `platforms`,
 * `preconditions` and `status`; GitHub's `steps` of a job and the `on`
 * triggers of a workflow.
 */
const INSTEAD: Record<string, string> = {
  'platforms@task': "a task runs only on some machines with `when` (`when: runner.os == 'macOS'`)",
  'preconditions@task': 'a check that must hold goes first in `run` (`test -f .env || exit 1`); one that skips the task when it fails is `when`',
  'status@task': 'a task is up to date, and skipped, while its `sources` have not changed',
  'runson@task': 'every task runs on this machine; one that works on another reaches it from its `run` (ssh, docker run)',
  'uses@task': 'a task runs a command, not a GitHub Actions action: write what the action does as `run`',
  'image@task': 'a task runs on this machine, not in a container of its own: `run: docker run IMAGE ...` runs one',
  'required@input': 'an input without a `default` must be given (`--input NAME=VALUE`), and one with a default may be',
  'steps@task': 'a task runs one command: steps that follow each other go in `run`, one per line of a `|` block, or become tasks of their own with `needs`',
  'on@top': 'a workflow runs when asked, with no triggers of its own: a CI job, a git hook or a cron entry runs `orchestrate run`',
  'retention@top': 'how much history is kept is the project\'s choice: `retention` goes in the config file (orchestrate.config.yaml)',
};

type Place = 'top' | 'task' | 'agent' | 'policy' | 'input' | 'retry' | 'retention';

function placeOf(path: DocPath): Place | undefined {
  if (path.length === 0) return 'top';
  if (path.length === 1 && path[0] === 'policy') return 'policy';
  if (path.length === 1 && path[0] === 'retention') return 'retention';
  if (path.length === 2 && path[0] === 'tasks') return 'task';
  if (path.length === 2 && path[0] === 'agents') return 'agent';
  if (path.length === 2 && path[0] === 'inputs') return 'input';
  if (path[path.length - 1] === 'retry' && (path.length === 2 ? path[0] === 'policy' : path.length === 3 && (path[0] === 'tasks' || path[0] === 'agents'))) return 'retry';
  return undefined;
}

/**
 * For an unknown key at `path` (the object that holds it, whose keys are
 * `known`): ` (did you mean "needs"?)` when it is another tool's name for an
 * orchestrate key there, or a key of `policy` or `retry` written one level
 * too high; what a task does instead of another tool's key with no
 * counterpart here (`runs-on`, `uses`); else undefined. (The config file
 * has no `tasks`: only a key it knows is offered.)
 */
export function otherToolHint(path: DocPath, key: string, known: readonly string[]): string | undefined {
  const place = placeOf(path);
  if (!place) return undefined;
  const plain = key.toLowerCase().replace(/[-_]/g, '');
  const table = { top: TOP, task: TASK, agent: AGENT, policy: POLICY, input: INPUT, retry: RETRY, retention: RETENTION }[place];
  const instead = ownValue(INSTEAD, `${plain}@${place}`);
  if (instead) return `: ${instead}`;
  let meant = ownValue(table, plain);
  // A policy key at the top, a retry key on a task or agent: it belongs one level down.
  const nested = place === 'top' ? ['policy', definitionKeys('policy')] as const : place === 'task' || place === 'agent' ? ['retry', definitionKeys('retry')] as const : undefined;
  const under = nested?.[1].find((k) => k.toLowerCase() === plain);
  if (!meant && nested && under) meant = `${nested[0]}.${under}`;
  if (!meant || !known.includes(meant.split('.')[0]!)) return undefined;
  const [note, names] = NOTES[`${plain}@${place}`] ?? [''];
  return ` (did you mean "${meant}"?${names === undefined || known.includes(names) ? note : ''})`;
}
