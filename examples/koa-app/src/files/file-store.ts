import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { inject, injectable } from 'inversify';
import { validateKey, type Storage } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { FileRepository, type FileRecord } from '../db/file-repository.js';

export interface NewFile {
  owner: string;
  /** The name the user gave it: metadata only, never part of the storage key. */
  name: string;
  contentType: string;
  body: Readable | Buffer;
}

/** Saves a file: the server picks the storage key (`u/<owner>/<uuid>`), the bytes go to storage, the metadata to the database. */
@injectable()
export class FileStore {
  constructor(
    @inject(TYPES.Storage) private readonly storage: Storage,
    @inject(FileRepository) private readonly files: FileRepository,
  ) {}

  async save(file: NewFile): Promise<FileRecord> {
    const id = randomUUID();
    const key = validateKey(`u/${file.owner}/${id}`);
    const stat = await this.storage.put(key, file.body, { contentType: file.contentType });
    const record: FileRecord = { id, key, name: file.name, size: stat.size, contentType: file.contentType, owner: file.owner };
    this.files.add(record);
    return record;
  }
}
