/**
 * The environment variables the runner sets for every task (the README's
 * table "What a task gets"): a workflow's `env` cannot give them another
 * value, as the runner's are put over it. (`ORCHESTRATE_PARAMS` is left out
 * when too large for a variable, and the workflow's value still unseen;
 * `ORCHESTRATE_PROMPT`, `ORCHESTRATE_PROMPT_FILE` and `ORCHESTRATE_PARAMS_FILE`
 * are set for agent tasks or tasks with params only.)
 */
export const TASK_VARIABLES = [
  'ORCHESTRATE_RUN_ID',
  'ORCHESTRATE_TASK_ID',
  'ORCHESTRATE_ATTEMPT',
  'ORCHESTRATE_PREVIOUS_ERROR',
  'ORCHESTRATE_PREVIOUS_ERROR_KIND',
  'ORCHESTRATE_OUTPUT',
  'ORCHESTRATE_SUMMARY',
  'ORCHESTRATE_PARAMS',
] as const;
