import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
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
    expect(offered(dir, 'orchestrate r')).toEqual(['reject', 'report', 'run']);
    expect(offered(dir, 'orchestrate run --re')).toEqual(['--renderer', '--result', '--resume']);
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
    // The latest runs' ids, and their workflows' names, for the latest run of each.
    expect(offered(dir, 'orchestrate logs ')).toEqual([latest.id, 'ci'].sort());
  });

  it('prints the script for bash, zsh and fish only, and keeps the completion helper out of the help', () => {
    expect(cli(['completion', 'bash']).stdout).toContain('complete -F _orchestrate_complete orchestrate');
    expect(cli(['completion', 'zsh']).stdout).toContain('compdef _orchestrate orchestrate');
    expect(cli(['completion', 'fish']).stdout).toContain("complete -c orchestrate -f -a '(__orchestrate_complete)'");
    const other = cli(['completion', 'powershell']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe("orchestrate: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. (see orchestrate completion --help)\n");
    expect(cli(['--help']).stdout).not.toContain('__complete');
  });
});

/** Whether a shell to test with is installed (.ci/run installs zsh and fish). */
function installed(shell: string): boolean {
  return spawnSync(shell, ['-c', 'exit 0']).status === 0;
}

/** The title of a shell's tests, saying why they are skipped when it is not installed. */
const titled = (shell: string) => `shell completion (${shell})${installed(shell) ? '' : `: skipped, ${shell} is not installed here`}`;

/** Runs `script` in `shell` in `dir`, with `orchestrate` on the PATH as an installed CLI is. */
function inShell(shell: string, dir: string, script: string): string {
  const bin = join(dir, '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'orchestrate'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'orchestrate'), 0o755);
  const r = spawnSync(shell, ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const project = () => tempProject({
  'package.json': '{}',
  'orchestrate.yaml': 'version: 1\ntasks:\n  build: { run: "true" }\n  test: { run: "true", needs: build, matrix: { n: [1, 2] } }\n',
  'ci.yaml': 'version: 1\ntasks:\n  lint: { run: "true" }\n  deploy: { run: "true" }\n',
});

describe.runIf(installed('fish'))(titled('fish'), () => {
  // fish's own `complete -C LINE` prints what it would offer for that line, through the loaded script.
  const offered = (dir: string, line: string) => inShell('fish', dir, `orchestrate completion fish | source; complete -C${JSON.stringify(line)}`).split('\n').filter(Boolean).sort();

  it('completes commands, options, option values, task ids and files as bash does', () => {
    const dir = project();
    expect(offered(dir, 'orchestrate r')).toEqual(['reject', 'report', 'run']);
    expect(offered(dir, 'orchestrate run --re')).toEqual(['--renderer', '--result', '--resume']);
    expect(offered(dir, 'orchestrate run --renderer s')).toEqual(['silent', 'simple']);
    expect(offered(dir, 'orchestrate run ')).toEqual(['build', 'ci.yaml', 'orchestrate.yaml', 'package.json', 'test']);
    expect(offered(dir, 'orchestrate run ci.yaml d')).toEqual(['deploy']);
    expect(offered(dir, 'orchestrate plan --only ')).toEqual(['build', 'test']);
    expect(offered(dir, 'orchestrate lint c')).toEqual(['ci.yaml']);
  });
});

describe.runIf(installed('zsh'))(titled('zsh'), () => {
  // zsh's completion system needs a terminal: its builtins are stood in for, printing what the script offers.
  const offered = (dir: string, line: string) => {
    const words = line.split(' ');
    const script = [
      'compdef() { :; }',
      'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }',
      '_files() { print -- "<files>"; }',
      'source <(orchestrate completion zsh)',
      `words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}`,
      '_orchestrate',
    ].join('\n');
    return inShell('zsh', dir, script).split('\n').filter((w) => w && w.startsWith(words[words.length - 1]!) || w === '<files>').sort();
  };

  it('offers what the CLI says for the word under the cursor, and files where a file goes', () => {
    const dir = project();
    expect(offered(dir, 'orchestrate r')).toEqual(['reject', 'report', 'run']);
    expect(offered(dir, 'orchestrate run --renderer s')).toEqual(['silent', 'simple']);
    expect(offered(dir, 'orchestrate run ')).toEqual(['<files>', 'build', 'test']);
    expect(offered(dir, 'orchestrate run ci.yaml d')).toEqual(['deploy']);
    expect(offered(dir, 'orchestrate plan --only ')).toEqual(['build', 'test']);
  });

  it('registers itself with zsh\'s completion system, starting it when the shell has not', () => {
    const dir = project();
    expect(inShell('zsh', dir, 'source <(orchestrate completion zsh); print -r -- ${_comps[orchestrate]}').trim()).toBe('_orchestrate');
  });
});
