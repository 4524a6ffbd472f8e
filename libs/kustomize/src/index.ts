export type { FileSystem, LoadRestrictor, PathKind } from './file-system.port';
export { NodeFileSystem } from './node-file-system';
export { KustomizeError } from './errors';
export type { Json, JsonObject } from './yaml/emit';
export { emitYaml, emitYamlStream } from './yaml/emit';
export { parseYamlStream } from './yaml/parse';
export { buildResources, type BuildOptions, type Reorder } from './build/kust-target';
export { buildKustomization } from './build/build';
export { expand, substitute, type SubstituteOptions } from './substitute/substitute';
