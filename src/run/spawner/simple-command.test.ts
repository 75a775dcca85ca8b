import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../util/random.js';
import { simpleCommandWords } from './simple-command.js';

describe('simpleCommandWords', () => {
  it('splits a program with plain arguments on spaces', () => {
    expect(simpleCommandWords('sleep 0.05')).toEqual(['sleep', '0.05']);
    expect(simpleCommandWords('  ./build.sh --out=dist/app -j 4 user@host:path,x+y%  \n')).toEqual(['./build.sh', '--out=dist/app', '-j', '4', 'user@host:path,x+y%']);
    expect(simpleCommandWords('true')).toEqual(['true']);
  });

  it('leaves every piece of shell syntax to the shell', () => {
    for (const command of [
      'echo $HOME', 'a && b', 'a; b', 'a | b', 'a > f', 'a < f', 'a &', 'ls *.ts', 'ls ?', 'ls [ab]', "echo 'x'", 'echo "x"',
      'echo \\n', 'ls ~', 'echo `date`', 'echo $(date)', '(a)', '{ a; }', 'a # comment', '! a', 'a\nb', 'a\tb', 'FOO=1 env', '',
    ]) expect(simpleCommandWords(command), command).toBeUndefined();
  });

  it('splits exactly as sh does, for every command it takes (seeded fuzz, checked against the real sh)', () => {
    const rnd = seededRandom(11);
    const alphabet = 'ab1_./:,+@%=- \t\'"$*?[]~#;&|<>(){}!\\';
    const taken: Array<{ command: string; words: string[] }> = [];
    while (taken.length < 300) {
      const command = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const words = simpleCommandWords(`x ${command}`);
      if (words) taken.push({ command: `x ${command}`, words });
    }
    // sh splits each command as the arguments of `set --`; \036 ends a command, \037 a word.
    const script = taken.map((t) => `set -- ${t.command}; for w in "$@"; do printf '%s\\037' "$w"; done; printf '\\036'`).join('\n');
    const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).stdout;
    const split = out.split('\x1e').slice(0, -1).map((c) => c.split('\x1f').slice(0, -1));
    expect(split).toEqual(taken.map((t) => t.words));
  });

  it('leaves builtins and reserved words to the shell, even when a program of that name exists', () => {
    for (const command of ['cd dir', 'exit 3', 'echo -e x', 'printf %s x', 'kill 1', 'pwd', 'test -f x', '. ./env', ': nothing', 'exec sleep 1', 'time sleep 1', 'if']) {
      expect(simpleCommandWords(command), command).toBeUndefined();
    }
  });
});
