import type { Chart, Values } from '../chart/chart';
import type { Hook, KubeObjectLike, Manifest } from '../manifest/sort-manifests';

/** `.Release` inputs. */
export interface ReleaseOptions {
  name: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
}

/**
 * The `lookup` port: the object (or, with an empty name, the list) from the cluster as plain JSON, or an empty
 * map when it does not exist. Called synchronously from inside template execution.
 */
export type LookupFunction = (apiVersion: string, kind: string, namespace: string, name: string) => Record<string, unknown>;

/** How to render: the release, the cluster's capabilities and the optional lookup port. */
export interface RenderOptions {
  release: ReleaseOptions;
  /** Kubernetes version for `.Capabilities.KubeVersion` and the chart's `kubeVersion` constraint; default v1.31.0 (Helm v3.16's). */
  kubeVersion?: string;
  /** The cluster's API versions from discovery (`apps/v1`, `apps/v1/Deployment`); without them Helm's offline defaults. */
  apiVersions?: readonly string[];
  /** Cluster reads for `lookup`; without it `lookup` returns an empty map, as `helm template` does. */
  lookup?: LookupFunction;
  /** Helm's --strict rendering: a missing map key is an error instead of an empty value. */
  strict?: boolean;
  /** Include subcharts' NOTES.txt in `notes` (Helm's --render-subchart-notes). */
  subchartNotes?: boolean;
}

/** The result of rendering a chart for a release. */
export interface RenderedRelease {
  /** The chart after dependency processing (aliases applied, disabled subcharts removed): store this one. */
  chart: Chart;
  /** The values templates saw (user values over chart defaults). */
  values: Values;
  /** Objects to apply, in Helm's install order. */
  manifests: KubeObjectLike[];
  /** The same documents with their template paths and text, in the same order. */
  documents: Manifest[];
  /** Hooks, in install order by kind (run them sorted by weight). */
  hooks: Hook[];
  /** Objects of the `crds/` folders of the chart and its enabled subcharts, unrendered; applied before anything else. */
  crds: KubeObjectLike[];
  /** Rendered NOTES.txt (never applied). */
  notes: string;
  /** The release manifest text Helm stores (`---\n# Source: …` per document). */
  manifest: string;
}
