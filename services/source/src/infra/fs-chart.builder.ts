import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXTRACT_LIMITS, extractTarGz, sha256Digest, type ExtractLimits } from '@ferry/artifact';
import { ReconcileFailure, Reason } from '@ferry/contracts';
import type { ChartBuildOptions, ChartBuilder, KeptChart, PackagedChart } from '../app/helm-ports';
import { ChartBuildReason } from '../domain/helm-chart';
import { buildChartDependencies } from './chart-dependency.builder';
import { packageChartDirectory, readChartYaml } from './helm-chart.packager';

/** Builds charts in throw-away directories below `workRoot`: unpack (size-capped, no links), package, remove. */
export class FsChartBuilder implements ChartBuilder {
  constructor(
    private readonly workRoot: string,
    private readonly limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
  ) {}

  async repackage(archive: Buffer, options: ChartBuildOptions): Promise<PackagedChart> {
    return this.inTempDir(async (dir) => {
      this.extract(archive, dir, `the pulled chart of ${options.where}`);
      // A packaged chart holds exactly one top directory, named after the chart.
      const top = readdirSync(dir);
      if (top.length !== 1 || top[0] === undefined) {
        throw new ReconcileFailure(ChartBuildReason.Package, 'build', `chart package error: the pulled chart of ${options.where} has ${top.length} top-level entries, expected one chart directory`, false);
      }
      const chartDir = join(dir, top[0]);
      return packageChartDirectory({ ...options, chartDir, sourceRoot: chartDir, valuesRoot: chartDir });
    });
  }

  async fromSourceArtifact(file: string, digest: string, chartPath: string, options: ChartBuildOptions): Promise<PackagedChart | KeptChart> {
    const archive = readFileSync(file);
    const actual = sha256Digest(archive);
    if (actual !== digest) {
      throw new ReconcileFailure(Reason.ArtifactFailed, 'verify', `failed to verify source artifact of ${options.where}: computed digest ${actual} does not match ${digest}`);
    }
    return this.inTempDir(async (dir) => {
      this.extract(archive, dir, `the source artifact of ${options.where}`);
      const chartDir = join(dir, chartPath.replace(/^\.?\/+/, ''));
      if (options.keep) {
        const { metadata, version } = readChartYaml({ ...options, chartDir, sourceRoot: dir });
        if (options.keep(version)) return { name: metadata.name, version, kept: true as const };
      }
      const dependencies = options.dependencies;
      if (dependencies) {
        await this.inTempDir((workDir) => buildChartDependencies({ chartDir, sourceRoot: dir, workDir, limits: this.limits, where: options.where, ...dependencies }));
      }
      return packageChartDirectory({ ...options, chartDir, sourceRoot: dir, valuesRoot: dir });
    });
  }

  private extract(archive: Buffer, dir: string, what: string): void {
    try {
      extractTarGz(archive, dir, this.limits);
    } catch (error) {
      throw new ReconcileFailure(ChartBuildReason.Package, 'build', `chart package error: cannot unpack ${what}: ${error instanceof Error ? error.message : String(error)}`, false);
    }
  }

  private async inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
    mkdirSync(this.workRoot, { recursive: true });
    const dir = mkdtempSync(join(this.workRoot, 'chart-'));
    try {
      return await work(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
