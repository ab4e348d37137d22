/**
 * The one module of extract/ that touches the file system: opening sources with clear errors,
 * positioned chunk reads, small synchronous reads for reject text, and streaming sha256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readSync, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ZpetlError } from '../core/errors.js';

/** Resolves a source path written in a pipeline against the pipeline file's directory. */
export function resolveSourcePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function fileError(e: unknown, source: string, absPath: string): ZpetlError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ZpetlError('SOURCE_NOT_FOUND', `source file not found: ${source} (${absPath})`, {
      cause: e,
      details: { path: absPath },
      hint: 'relative source paths resolve against the pipeline file\'s directory; check the path and that the file exists',
    });
  }
  const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : ((e as Error).message ?? String(e));
  return new ZpetlError('SOURCE_UNREADABLE', `cannot read source file ${source} (${absPath}): ${why}`, {
    cause: e,
    details: { path: absPath, errno: code },
    hint: code === 'EISDIR' ? 'point `path` at a file, not a folder' : 'check the file permissions of the source and its folders',
  });
}

/** An open source file. `readChunk` reads at a position; `readTextSync` is for the rare reject path. */
export interface SourceFile {
  readonly size: number;
  readChunk(position: number, bytes: number): Promise<Buffer>;
  /** Up to `maxBytes` raw bytes from `start` (fewer at end of file). Synchronous: rare paths only. */
  readSync(start: number, maxBytes: number): Buffer;
  close(): Promise<void>;
}

/** Opens a source for reading; throws SOURCE_NOT_FOUND / SOURCE_UNREADABLE with path and hint. */
export async function openSourceFile(source: string, absPath: string): Promise<SourceFile> {
  let fh: FileHandle;
  let size: number;
  try {
    fh = await open(absPath, 'r');
  } catch (e) {
    throw fileError(e, source, absPath);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw fileError(e, source, absPath);
  }
  const handle = fh;
  return {
    size,
    async readChunk(position, bytes) {
      // A fresh buffer per chunk: csv-parse keeps slices of the previous chunk across calls.
      const buf = Buffer.allocUnsafe(bytes);
      let filled = 0;
      try {
        while (filled < bytes) {
          const { bytesRead } = await handle.read(buf, filled, bytes - filled, position + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } catch (e) {
        throw fileError(e, source, absPath);
      }
      return filled === bytes ? buf : buf.subarray(0, filled);
    },
    readSync(start, maxBytes) {
      const buf = Buffer.alloc(Math.max(0, maxBytes));
      const n = readSync(handle.fd, buf, 0, buf.length, start);
      return buf.subarray(0, n);
    },
    close: () => handle.close(),
  };
}

/** A byte stream of the file from `start` (for stream-based parsers). Open errors surface on first read. */
export function openByteStream(absPath: string, start = 0): ReadStream {
  return createReadStream(absPath, { start, highWaterMark: 256 * 1024 });
}

/** Wraps a read error of an already opened source. */
export const sourceReadError = fileError;

/** Bytes hashed per read by sha256File. */
const HASH_CHUNK_BYTES = 256 * 1024;

/**
 * Hex sha256 of a file, read through ONE reused buffer (constant memory). A read stream allocates a
 * fresh buffer per chunk, and those are freed only by a full GC: hashing a 100 MB input that way held
 * ~30 MB of dead buffers at its peak. Throws SOURCE_NOT_FOUND / SOURCE_UNREADABLE.
 */
export async function sha256File(path: string, source: string = path): Promise<string> {
  const hash = createHash('sha256');
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } catch (e) {
    throw fileError(e, source, path);
  } finally {
    await fh?.close().catch(() => undefined);
  }
  return hash.digest('hex');
}
