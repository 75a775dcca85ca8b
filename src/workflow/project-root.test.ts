import { describe, expect, it } from 'vitest';
import { projectPath } from './project-root.js';

describe('paths as keys that survive moving the project', () => {
  it('are relative to the project root inside it, and absolute outside', () => {
    expect(projectPath('/home/u/proj', '/home/u/proj')).toBe('.');
    expect(projectPath('/home/u/proj', '/home/u/proj/docs/site')).toBe('docs/site');
    expect(projectPath('/home/u/proj', '/home/u/proj-other')).toBe('/home/u/proj-other');
    expect(projectPath('/home/u/proj', '/tmp/work')).toBe('/tmp/work');
    expect(projectPath('/home/u/proj', '/home/u/proj/..data')).toBe('..data');
  });
});
