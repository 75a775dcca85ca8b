/** The names a workflow file is looked for under when none is given (a directory's workflow), as make looks for a Makefile. */
export const DEFAULT_WORKFLOW_FILES = ['orchestrate.yaml', 'orchestrate.yml'];
