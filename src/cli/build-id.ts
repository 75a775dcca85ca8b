/** Replaced by the id of the build in the CLI bundle (scripts/bundle.mjs); not defined elsewhere. */
declare const __ORCHESTRATE_BUILD__: string | undefined;

/** The id of the CLI bundle's build, or undefined when this code is not the bundle (the library). */
export function buildId(): string | undefined {
  return typeof __ORCHESTRATE_BUILD__ === 'string' ? __ORCHESTRATE_BUILD__ : undefined;
}
