import { nanos, RetentionPolicy, StorageType, type JetStreamManager, type NatsError, type StreamInfo } from 'nats';
import type { EventStream } from './event-names';

/** JetStream error codes the kernel tells apart. */
export const JS_STREAM_NOT_FOUND = 10059;
export const JS_STREAM_NAME_IN_USE = 10058;
export const JS_CONSUMER_NOT_FOUND = 10014;

/** The JetStream error code of `error`, if it is one. */
export const jetStreamErrorCode = (error: unknown): number | undefined => (error as NatsError | undefined)?.api_error?.err_code;

/** Options of {@link ensureEventStream}. */
export interface EnsureEventStreamOptions {
  /**
   * How long JetStream remembers a `Nats-Msg-Id` to drop a republished event; defaults to
   * 2 minutes. It must outlast the relay's slowest publish-then-mark round trip.
   */
  duplicateWindowMs?: number;
  /**
   * Leave an existing stream as it is; only create a missing one. Consumers pass it: the
   * producing domain's relay owns the stream's settings. Defaults to false.
   */
  createOnly?: boolean;
}

export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/**
 * Creates the domain's event stream (file storage, limits retention, the duplicate
 * window), or brings an existing one's subjects and duplicate window up to date (unless
 * `createOnly`). Safe
 * to call from several processes at once: the relay and every consumer of the stream
 * call it, so whichever starts first creates it.
 */
export async function ensureEventStream(
  jsm: JetStreamManager,
  stream: EventStream,
  options: EnsureEventStreamOptions = {},
): Promise<StreamInfo> {
  const duplicateWindow = nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      const info = await jsm.streams.info(stream.name);
      if (options.createOnly) return info;
      const { subjects = [], duplicate_window } = info.config;
      if (subjects.length === 1 && subjects[0] === stream.subjects && duplicate_window === duplicateWindow) return info;
      return await jsm.streams.update(stream.name, { subjects: [stream.subjects], duplicate_window: duplicateWindow });
    } catch (error) {
      if (jetStreamErrorCode(error) !== JS_STREAM_NOT_FOUND) throw error;
    }
    try {
      return await jsm.streams.add({
        name: stream.name,
        subjects: [stream.subjects],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: duplicateWindow,
      });
    } catch (error) {
      // Another process created it between our look and our add: go round and read it.
      if (jetStreamErrorCode(error) !== JS_STREAM_NAME_IN_USE || attempt > 0) throw error;
    }
  }
}
