import { describe, expect, it } from 'vitest';
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

  it('leaves builtins and reserved words to the shell, even when a program of that name exists', () => {
    for (const command of ['cd dir', 'exit 3', 'echo -e x', 'printf %s x', 'kill 1', 'pwd', 'test -f x', '. ./env', ': nothing', 'exec sleep 1', 'time sleep 1', 'if']) {
      expect(simpleCommandWords(command), command).toBeUndefined();
    }
  });
});
