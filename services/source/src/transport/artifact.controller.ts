import { Controller, Get, Inject, NotFoundException, Param, StreamableFile, Header } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import type { FileArtifactStorage } from '../infra/file-artifact-storage';
import { ARTIFACT_STORAGE } from './tokens';

/** Serves stored artifacts at `/gitrepository/<ns>/<name>/<digest-hex>.tar.gz`, as source-controller's file server. */
@Controller('gitrepository')
export class ArtifactController {
  constructor(@Inject(ARTIFACT_STORAGE) private readonly storage: FileArtifactStorage) {}

  @Get(':namespace/:name/:file')
  @Header('Content-Type', 'application/gzip')
  download(@Param('namespace') namespace: string, @Param('name') name: string, @Param('file') file: string): StreamableFile {
    const path = this.storage.resolve(`gitrepository/${namespace}/${name}/${file}`);
    if (!path || !this.storage.exists(path)) throw new NotFoundException(`artifact gitrepository/${namespace}/${name}/${file} not found`);
    return new StreamableFile(createReadStream(path));
  }
}
