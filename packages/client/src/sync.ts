import type { UpdateDto } from '@feige/protocol';

export interface SyncPage {
  updates: readonly UpdateDto[];
  hasMore: boolean;
}

export interface SyncDeps {
  getCursor(): number | null;
  /** Called after each applied update, so a reload resumes right after the last one the app saw. */
  setCursor(pts: number): void;
  fetchPage(since: number): Promise<SyncPage>;
  apply(update: UpdateDto): void;
  /** True while a catch-up is running, false once caught up. */
  onBusyChange(busy: boolean): void;
  /** A page request failed; the owner decides what to do with the socket. */
  onError(error: unknown): void;
}

export interface Sync {
  /** Begin after auth: a new device (no cursor) starts at the server's pts instead of replaying history. */
  start(authPts: number): void;
  /** A live update frame. */
  offer(update: UpdateDto): void;
  /** The socket is gone: apply nothing more, report nothing more. */
  stop(): void;
  readonly busy: boolean;
}

/**
 * Applies the user's update log exactly once and in pts order, whether updates arrive live, from sync pages, or both
 * at once. The cursor is the only state: anything at or below it has been applied and is ignored, so overlap between
 * live frames and pages is harmless. One instance per socket session; the cursor outlives it.
 */
export function createSync(deps: SyncDeps): Sync {
  let running = false;
  let stopped = false;
  /** A gap was seen while a catch-up was in flight: its pages may have been read before that update existed. */
  let gapSeen = false;
  let highestSeen = 0;

  function cursor(): number {
    return deps.getCursor() ?? 0;
  }

  function apply(update: UpdateDto): void {
    deps.apply(update);
    deps.setCursor(update.pts);
  }

  async function catchUp(): Promise<void> {
    running = true;
    deps.onBusyChange(true);
    try {
      do {
        gapSeen = false;
        let hasMore = true;
        while (hasMore) {
          const page = await deps.fetchPage(cursor());
          if (stopped) return;
          for (const update of page.updates) {
            if (stopped) return;
            // A page is the server's authoritative "everything after since", so it is applied even when it skips
            // ahead (entries pruned from the log); only what is already applied is skipped.
            if (update.pts > cursor()) apply(update);
          }
          // An empty page that claims more would loop forever; treat it as the end.
          hasMore = page.hasMore && page.updates.length > 0;
        }
        // One more round only for a gap that appeared during this one and is still open; a bogus pts that no page
        // contains therefore costs one extra request, not an endless loop.
      } while (gapSeen && highestSeen > cursor());
    } catch (error) {
      if (!stopped) deps.onError(error);
    } finally {
      running = false;
      if (!stopped) deps.onBusyChange(false);
    }
  }

  return {
    start(authPts) {
      if (deps.getCursor() === null) deps.setCursor(authPts);
      void catchUp();
    },
    offer(update) {
      if (stopped) return;
      const current = cursor();
      if (update.pts <= current) return;
      // Safe even while a catch-up is in flight: its page will skip this pts because the cursor moved past it.
      if (update.pts === current + 1) return apply(update);
      highestSeen = Math.max(highestSeen, update.pts);
      gapSeen = true;
      if (!running) void catchUp();
    },
    stop() {
      stopped = true;
    },
    get busy() {
      return running;
    },
  };
}
