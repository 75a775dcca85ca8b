import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { cosmiconfig as Cosmiconfig, Loader } from 'cosmiconfig';
import { ioErrorFrom, OrchestrateError } from '../errors.js';
import { error, type Diagnostic } from './diagnostics.js';
import { MAX_FILE_BYTES, parseYaml } from './parse-yaml.js';
import { importModule } from '../util/import-module.js';
import { readCapped } from '../util/read-capped.js';
import { schemaDiagnostics } from './schema-errors.js';
import { unkeyedOutputSchemas, withoutInside } from './unkeyed-output-schema.js';
import { validateConfigSchema } from './schema.js';
import { SourceMap } from './source-map.js';
import { zeroTimeouts } from './zero-timeouts.js';
import { parseDuration } from '../util/duration.js';
import type { ConfigFile } from './schema-types.js';

const require = createRequire(import.meta.url);

export const CONFIG_MODULE = 'orchestrate';

/** Where the config file is looked for, in each directory from the workflow's up to the project root. */
export const SEARCH_PLACES = [
  'package.json',
  'orchestrate.config.json',
  'orchestrate.config.yaml',
  'orchestrate.config.yml',
  'orchestrate.config.js',
  'orchestrate.config.mjs',
  'orchestrate.config.cjs',
  '.orchestraterc',
  '.orchestraterc.json',
  '.orchestraterc.yaml',
  '.orchestraterc.yml',
  '.orchestraterc.js',
  '.orchestraterc.mjs',
  '.orchestraterc.cjs',
];

export interface LoadedConfig {
  /** The config file, if one was found. */
  file?: string;
  config: ConfigFile;
  /** Problems in the config file, with positions where the format keeps them. */
  diagnostics: Diagnostic[];
}

class ConfigParseError extends Error {
  constructor(readonly file: string, readonly diagnostics: Diagnostic[]) {
    super('config parse error');
  }
}

/** A JavaScript config that throws or does not parse, with the file it was. */
class ConfigLoadError extends Error {
  constructor(readonly file: string, cause: unknown) {
    super(cause instanceof Error ? cause.message.split('\n')[0] : String(cause));
  }
}

// JavaScript configs (CommonJS or ES modules) are imported directly: cosmiconfig's
// fallback to require() hides a syntax error behind "not yet fully loaded" on Node 20.
const loadJs: Loader = async (file) => {
  try {
    return ((await importModule(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (caught) {
    throw new ConfigLoadError(file, caught);
  }
};

// YAML and JSON configs are parsed by the workflow's own parser, so syntax
// errors get the same codes and positions.
const parseText: Loader = (file, content) => {
  const parsed = parseYaml(content);
  if (parsed.diagnostics.length) throw new ConfigParseError(file, parsed.diagnostics);
  return parsed.value ?? {};
};

const explorers = new Map<string, ReturnType<typeof Cosmiconfig>>();
async function explorer() {
  let found = explorers.get('default');
  if (!found) {
    // CommonJS, required: an import() would need Node's loader, which the CLI's cached code lacks (see importModule).
    const { cosmiconfig } = require('cosmiconfig') as typeof import('cosmiconfig');
    found = cosmiconfig(CONFIG_MODULE, {
      searchPlaces: SEARCH_PLACES,
      searchStrategy: 'project',
      loaders: {
        '.json': parseText, '.yaml': parseText, '.yml': parseText, noExt: parseText,
        '.js': loadJs, '.mjs': loadJs, '.cjs': loadJs,
      },
    });
    explorers.set('default', found);
  }
  return found;
}

/**
 * Finds (from `fromDir` up to the project root) or reads (`explicitPath`)
 * the config file and validates it against schemas/config.schema.json.
 */
export async function loadConfig(fromDir: string, explicitPath?: string): Promise<LoadedConfig> {
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    if (explicitPath) {
      const path = resolve(explicitPath);
      let text: string | undefined;
      try {
        // Capped: a device such as /dev/zero would otherwise be read for ever.
        text = readCapped(path, MAX_FILE_BYTES);
      } catch (caught) {
        throw ioErrorFrom(path, caught);
      }
      if (text === undefined) return { file: path, config: {}, diagnostics: [error('config-error', `the config file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: refusing to load it`)] };
      result = await (await explorer()).load(path);
    } else {
      // cosmiconfig (and what it loads) is needed only when there is a config file to read.
      result = mayHaveConfig(fromDir) ? await (await explorer()).search(fromDir) : null;
    }
  } catch (caught) {
    if (caught instanceof ConfigParseError) return { file: caught.file, config: {}, diagnostics: caught.diagnostics };
    if (caught instanceof ConfigLoadError) return { file: caught.file, config: {}, diagnostics: [error('config-error', `cannot load the config file: ${caught.message}`)] };
    if (caught instanceof OrchestrateError) throw caught;
    const broken = brokenPackageJson(caught);
    if (broken) return broken;
    // Anything else cosmiconfig could not read.
    const message = caught instanceof Error ? caught.message.split('\n')[0] : String(caught);
    return { file: explicitPath && resolve(explicitPath), config: {}, diagnostics: [error('config-error', `cannot load the config file: ${message}`)] };
  }
  if (!result) return { config: {}, diagnostics: [] };
  const file = result.filepath;
  const value = result.config ?? {};
  const prefix = basename(file) === 'package.json' ? [CONFIG_MODULE] : [];
  const errors = validateConfigSchema(value);
  const unkeyed = errors.length ? unkeyedOutputSchemas(value) : [];
  const diagnostics = errors.length ? [...unkeyed, ...withoutInside(schemaDiagnostics(errors), unkeyed)] : [...zeroTimeouts(value as ConfigFile), ...zeroRetention(value as ConfigFile)];
  if (diagnostics.length === 0) return { file, config: value as ConfigFile, diagnostics: [] };
  // In package.json the config is its "orchestrate" key, not the whole file.
  if (prefix.length) for (const d of diagnostics) d.message = d.message.replace(/^the file\b/, `the "${CONFIG_MODULE}" key of package.json`);
  if (!/\.[cm]?js$/.test(file)) {
    const text = readFileSync(file, 'utf8');
    const source = new SourceMap(file, text, prefix);
    for (const d of diagnostics) d.position = source.locate(d.path ?? [], d.atKey);
  }
  return { file, config: {}, diagnostics };
}

/** A `retention.maxAge` of 0 would forget every run as it ends (but the one just made): a mistake, as a timeout of 0 is. */
function zeroRetention(config: ConfigFile): Diagnostic[] {
  const age = config.retention?.maxAge;
  return age !== undefined && parseDuration(age) === 0 ? [error('bad-duration', 'retention.maxAge must be greater than 0: runs that started longer ago than it are forgotten', ['retention', 'maxAge'])] : [];
}

/**
 * A package.json that is not JSON: cosmiconfig reads the working directory's
 * as it starts (for options of its own, a "cosmiconfig" key), whichever
 * workflow is loaded. Said as JSON.parse says it, at its line and column.
 */
function brokenPackageJson(caught: unknown): LoadedConfig | undefined {
  const file = (caught as { name?: unknown; filepath?: unknown } | null)?.filepath;
  if ((caught as { name?: unknown }).name !== 'JSONError' || typeof file !== 'string') return undefined;
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
    JSON.parse(text);
    return undefined;
  } catch (parseError) {
    if (!(parseError instanceof SyntaxError)) return undefined;
    // Node 20 says "at position 13"; later versions add "(line 2 column 1)".
    const said = parseError.message.replace(/ in JSON at position \d+.*$| \(line \d+ column \d+\)$/, '');
    const at = Number(/at position (\d+)/.exec(parseError.message)?.[1] ?? text.length);
    const before = text.slice(0, at).split('\n');
    const diagnostic = error('config-error', `${basename(file)} is not valid JSON, and the config search reads it: ${said}`);
    diagnostic.position = { line: before.length, column: before[before.length - 1]!.length + 1 };
    return { file, config: {}, diagnostics: [diagnostic] };
  }
}

/**
 * Whether any search place exists from `dir` up to the project root (the first
 * directory with a package.json), as cosmiconfig's `project` strategy searches.
 */
function mayHaveConfig(dir: string): boolean {
  for (let current = resolve(dir); ; current = dirname(current)) {
    for (const place of SEARCH_PLACES) {
      if (place === 'package.json') continue;
      if (existsSync(join(current, place))) return true;
    }
    const pkg = join(current, 'package.json');
    if (existsSync(pkg)) {
      try {
        return CONFIG_MODULE in (JSON.parse(readFileSync(pkg, 'utf8')) as object);
      } catch {
        return true;
      }
    }
    if (dirname(current) === current) return false;
  }
}

export function configSearchStart(workflowFile: string): string {
  return dirname(resolve(workflowFile));
}
