import { Controller, Get, Inject, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import type { FileArtifactStorage } from '../infra/file-artifact-storage';
import { ARTIFACT_STORAGE } from './tokens';

/**
 * Serves stored artifacts as source-controller's file server: `/gitrepository/<ns>/<name>/<digest-hex>.tar.gz`,
 * `/helmrepository/<ns>/<name>/index-<digest-hex>.yaml`, `/helmchart/<ns>/<name>/<chart>-<version>.tgz`.
 */
@Controller()
export class ArtifactController {
  constructor(@Inject(ARTIFACT_STORAGE) private readonly storage: FileArtifactStorage) {}

  @Get(':kind/:namespace/:name/:file')
  download(@Param('kind') kind: string, @Param('namespace') namespace: string, @Param('name') name: string, @Param('file') file: string): StreamableFile {
    const artifact = `${kind}/${namespace}/${name}/${file}`;
    const path = this.storage.resolve(artifact);
    if (!path || !this.storage.exists(path)) throw new NotFoundException(`artifact ${artifact} not found`);
    return new StreamableFile(createReadStream(path), { type: file.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip' });
  }
}
