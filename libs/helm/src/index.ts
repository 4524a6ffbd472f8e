export { HelmError } from './errors';
export type { Chart, ChartDependency, ChartFile, ChartLock, ChartMetadata, ImportValue, Maintainer, Values } from './chart/chart';
export { loadChart, loadChartDirectory, loadChartFiles } from './chart/load-chart';
export { coalesceValues, mergeMaps, mergeValues } from './values/coalesce';
export { processDependencies } from './values/dependencies';
export { parseSet } from './values/strvals';
export { validateValues } from './values/schema';
export {
  INSTALL_ORDER, UNINSTALL_ORDER, HOOK_EVENTS, hooksFor, keepsResource, sortByKind, sortManifests, splitManifests, manifestText, templateText,
  type Hook, type HookEvent, type KubeObjectLike, type Manifest,
} from './manifest/sort-manifests';
export { capabilities, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, HELM_VERSION } from './render/capabilities';
export { toYaml, toJson, fromYaml } from './render/helm-functions';
export { renderChart, renderChartAsync, renderTemplates, type AsyncLookupFunction } from './render/render-chart';
export type { LookupFunction, ReleaseOptions, RenderOptions, RenderedRelease } from './render/render-types';
export {
  RELEASE_STATUSES, chartFromRecord, chartRecord, decodeRelease, encodeRelease, goTime, hookRecords, newRelease,
  releaseFromSecret, releaseSecret, releaseSecretName,
  type ChartRecord, type HookRecord, type NewRelease, type Release, type ReleaseInfo, type ReleaseSecret, type ReleaseStatus,
} from './release/release';
export { isPending, lastDeployed, latestRelease, nextVersion, validateReleaseName, withStatus } from './release/history';
