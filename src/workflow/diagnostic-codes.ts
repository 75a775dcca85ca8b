/** Every diagnostic code with a one-line description (README and SARIF rules). */
export const DIAGNOSTIC_CODES = {
  'yaml-syntax': 'The file is not valid YAML (including tab indentation).',
  'duplicate-key': 'A key appears twice in one mapping.',
  'alias-bomb': 'YAML aliases expand to far more values than the file has text.',
  'empty-file': 'The file has no content.',
  'not-a-mapping': 'The top level is not a mapping of keys.',
  'binary-file': 'The file is binary, not text.',
  'file-too-large': 'The file is larger than the 64 MB limit.',
  'schema': 'A value has the wrong type, is out of range, or a required key is missing.',
  'unknown-key': 'A key the format does not define (with a "did you mean").',
  'invalid-id': 'A task id, agent, resource, matrix key or variable name with characters that are not allowed.',
  'bad-duration': 'A duration that is neither seconds nor a string like 500ms, 30s, 5m, 1h30m; or a timeout or rate-limit window of 0.',
  'unsupported-version': 'A format version other than 1.',
  'run-and-agent': 'A task with both `run` and `agent`, or neither.',
  'prompt-without-agent': 'A shell task with a `prompt`, which is not used (warning).',
  'no-matrix': 'A task without a `matrix` has `maxParallel` or `failFast`, which act on a matrix\'s expansions only (warning).',
  'unknown-agent': 'A task names an agent that is not defined.',
  'unknown-need': 'A task needs a task that does not exist.',
  'self-need': 'A task needs itself.',
  'cycle': 'Tasks need each other in a cycle; the whole cycle is shown.',
  'unknown-resource': 'A task uses a resource that is not declared.',
  'resource-over-capacity': 'A task needs more of a resource than its capacity.',
  'bad-template': 'A `${{ ... }}` template that is unclosed or not a known expression.',
  'unknown-reference': 'A template names a task that is not an ancestor, an unknown matrix key, param or input.',
  'bad-dotenv': 'A dotenv file that cannot be read or has a line that is not NAME=value.',
  'bad-condition': "A task's `when` condition that does not parse.",
  'bad-matrix': 'A matrix key whose value is neither a list nor one `${{ tasks.ID.outputs.KEY }}` or `${{ inputs.NAME }}` template, an input value for it that is not a list, or a matrix from outputs on a task with `sources`.',
  'bad-prompt-file': 'A `promptFile` that cannot be read, is not a file or is over 16 MB, or a task with both `prompt` and `promptFile`.',
  'bad-path': 'A `sources` or `artifacts` entry that is the whole file system (`/`, `/**`, or a value that rendered empty before a slash).',
  'nul-byte': 'A string that holds a NUL byte (`\\0`), which no command, environment variable or path can carry (also the text of a promptFile).',
  'bad-input': "An input's default or enum entry is not of its type, or the default is not in its enum.",
  'matrix-too-large': 'A matrix expands to more than 10,000 tasks.',
  'unknown-matrix-key': 'A matrix `exclude` entry names a key the matrix does not have.',
  'empty-matrix': 'A matrix has no combination to run (`exclude` removed them all, or there are no values).',
  'duplicate-task-id': 'Two matrix expansions print the same id.',
  'concurrency-above-limit': "An agent's concurrency is above the explicit global maxConcurrency (warning).",
  'script-continues-on-error': 'A `run` of several commands, one per line, with a shell that goes on after one fails (`sh -c` without `set -e`) (warning).',
  'artifact-conflict': 'Two tasks that may run at the same time declare the same artifact (warning).',
  'bad-output-schema': 'An `outputSchema` entry that is not a JSON Schema ajv can compile (draft-07).',
  'bad-include': 'An `include` entry whose file cannot be read, is this file or included twice, or has errors of its own; or a key an included file cannot set (`policy`, `inputs`, `telemetry`, `include`).',
  'include-conflict': 'An included file brings a task id this workflow already has, or an agent or resource defined differently elsewhere.',
  'config-error': 'The config file cannot be loaded.',
  'bad-memoize': 'A task has both `memoize` and `sources`: with sources it is skipped while they do not change (up to date) instead.',
  'bad-disable': 'An `# orchestrate-lint-disable` comment names a code that does not exist, or an error, which cannot be silenced (warning).',
  'unused-disable': 'An `# orchestrate-lint-disable` comment silences nothing: the warning it names is not there (warning).',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** The codes that are warnings; the others are errors. Only warnings may be silenced by a comment. */
export const WARNING_CODES = ['prompt-without-agent', 'no-matrix', 'concurrency-above-limit', 'script-continues-on-error', 'artifact-conflict', 'bad-disable', 'unused-disable'] as const satisfies readonly DiagnosticCode[];

export type WarningCode = (typeof WARNING_CODES)[number];
