/**
 * The part every extractor shares: per-read state (stats, warnings, header), opening the source file
 * and closing it however reading ends, and presenting the batches as an `Extractor` (items one at a
 * time, or per batch). Per read and per batch only: nothing here runs for each record.
 */
import type { ExtractItem } from '../core/record.js';
import { openSourceFile, resolveSourcePath, type SourceFile } from './file-access.js';
import type { ExtractStats, ExtractWarning, Extractor, ExtractorOptions, SourceHeader } from './types.js';

export const emptyStats = (): ExtractStats => ({ records: 0, rejects: 0, blankRows: 0, bytesRead: 0 });

/** Drains batches one item at a time. */
export async function* itemsOf(batches: AsyncIterable<ExtractItem[]>): AsyncGenerator<ExtractItem> {
  for await (const b of batches) for (const item of b) yield item;
}

/** An `Extractor` over a batch reader; `header`, `warnings` and `stats` give the latest read's state. */
export function batchExtractor(parts: {
  source: string;
  path: string;
  readBatches: (signal?: AbortSignal) => AsyncIterable<ExtractItem[]>;
  header?: () => SourceHeader | undefined;
  warnings: () => readonly ExtractWarning[];
  stats: () => ExtractStats;
}): Extractor {
  const { readBatches } = parts;
  return {
    source: parts.source,
    path: parts.path,
    readBatches,
    read: (signal) => itemsOf(readBatches(signal)),
    header: parts.header ?? (() => undefined),
    warnings: parts.warnings,
    stats: parts.stats,
  };
}

/** What one read of a file-backed extractor gets: fresh stats, a warning sink, the header setter. */
export interface FileRead {
  /** The source path as written in the pipeline (used in every position). */
  source: string;
  signal?: AbortSignal | undefined;
  /** This read's counters (a new object per read; `stats()` returns it). */
  stats: ExtractStats;
  /** Keeps the warning for `warnings()` and passes it to `options.onWarning`. */
  warn: (w: ExtractWarning) => void;
  /** Sets what `header()` returns (undefined until a reader sets it). */
  setHeader: (h: SourceHeader | undefined) => void;
}

/**
 * An extractor that reads one local file: each `readBatches()` resets the state, opens the file (clear
 * SOURCE_NOT_FOUND / SOURCE_UNREADABLE errors), yields what `read` makes of it, and closes the file
 * when reading ends, throws or the consumer stops early. Nothing runs until the first batch is pulled.
 */
export function fileExtractor(
  source: string,
  options: ExtractorOptions,
  read: (file: SourceFile, run: FileRead) => AsyncIterable<ExtractItem[]>,
): Extractor {
  const path = resolveSourcePath(options.baseDir, source);
  let header: SourceHeader | undefined;
  let warnings: ExtractWarning[] = [];
  let stats = emptyStats();
  const readBatches = async function* (signal?: AbortSignal): AsyncGenerator<ExtractItem[]> {
    header = undefined;
    warnings = [];
    stats = emptyStats();
    const file = await openSourceFile(source, path);
    try {
      yield* read(file, {
        source,
        signal,
        stats,
        warn: (w) => {
          warnings.push(w);
          options.onWarning?.(w);
        },
        setHeader: (h) => {
          header = h;
        },
      });
    } finally {
      await file.close();
    }
  };
  return batchExtractor({ source, path, readBatches, header: () => header, warnings: () => warnings, stats: () => stats });
}
