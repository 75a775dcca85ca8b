import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from '../helpers/cli.js';

/** What bash offers for `line` (the cursor at its end) with orchestrate's completion script loaded, in `dir`. */
function offered(dir: string, line: string): string[] {
  const words = line.split(' ');
  const script = [
    'source <(orchestrate completion bash)',
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_orchestrate_complete orchestrate',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  // `orchestrate` on the PATH, as an installed CLI is.
  const bin = join(dir, '.bin');
  const r = spawnSync('bash', ['-c', `mkdir -p ${bin} && printf '#!/bin/sh\\nexec "${process.execPath}" "${BIN}" "$@"\\n' > ${bin}/orchestrate && chmod +x ${bin}/orchestrate && PATH="${bin}:$PATH" bash -c '${script.replace(/'/g, "'\\''")}'`], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('shell completion (bash)', () => {
  const dir = tempProject({
    'package.json': '{}',
    'orchestrate.yaml': 'version: 1\ntasks:\n  build: { run: "true" }\n  test: { run: "true", needs: build, matrix: { n: [1, 2] } }\n',
    'ci.yaml': 'version: 1\ntasks:\n  lint: { run: "true" }\n  deploy: { run: "true" }\n',
  });

  it('completes commands, options, option values, task ids, files and run ids', () => {
    expect(offered(dir, 'orchestrate r')).toEqual(['report', 'run']);
    expect(offered(dir, 'orchestrate run --re')).toEqual(['--renderer', '--resume']);
    expect(offered(dir, 'orchestrate run --renderer s')).toEqual(['silent', 'simple']);
    // The first word of run: a task of orchestrate.yaml, or a file; after a file, that file's tasks.
    expect(offered(dir, 'orchestrate run ')).toEqual(['.bin', 'build', 'ci.yaml', 'orchestrate.yaml', 'package.json', 'test']);
    expect(offered(dir, 'orchestrate run ci.yaml d')).toEqual(['deploy']);
    expect(offered(dir, 'orchestrate plan --only ')).toEqual(['build', 'test']);
    expect(offered(dir, 'orchestrate lint c')).toEqual(['ci.yaml']);
    // Git's branches for --since (none outside a repository).
    expect(offered(dir, 'orchestrate run --since ')).toEqual([]);
    spawnSync('git', ['init', '-q', '-b', 'trunk'], { cwd: dir });
    spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'x'], { cwd: dir });
    spawnSync('git', ['branch', 'topic'], { cwd: dir });
    expect(offered(dir, 'orchestrate plan --since t')).toEqual(['topic', 'trunk']);
    expect(cli(['run', 'ci.yaml'], { cwd: dir }).code).toBe(0);
    const [latest] = JSON.parse(cli(['history', '--json'], { cwd: dir }).stdout);
    expect(offered(dir, 'orchestrate logs ')).toEqual([latest.id]);
  });

  it('prints the script for bash only, and keeps the completion helper out of the help', () => {
    expect(cli(['completion', 'bash']).stdout).toContain('complete -F _orchestrate_complete orchestrate');
    const fish = cli(['completion', 'fish']);
    expect(fish.code).toBe(2);
    expect(fish.stderr).toBe("orchestrate: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash. (see orchestrate --help)\n");
    expect(cli(['--help']).stdout).not.toContain('__complete');
  });
});
