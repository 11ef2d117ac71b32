import type { ErrorDto, MessageDto } from '@feige/protocol';
import { ApiError, endsSession } from './errors.js';
import type { Timers } from './timers.js';

export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  text: string;
  createdAt: number;
  state: 'pending' | 'failed';
  error?: ErrorDto;
}

export interface OutboxDeps {
  initial: readonly OutboxEntry[];
  persist(entries: readonly OutboxEntry[]): void;
  /** Sends one entry over the live socket; rejects with ApiError or NetworkError. */
  send(entry: OutboxEntry): Promise<MessageDto>;
  /** Whether an authenticated socket is there to send on. */
  canSend(): boolean;
  timers: Timers;
  /** Wait before retrying a retryable error that named no retryAfterMs. */
  retryDelay(attempt: number): number;
  newId(): string;
  onChange(entries: OutboxEntry[]): void;
  onSent(entry: OutboxEntry, message: MessageDto): void;
}

export interface Outbox {
  entries(): OutboxEntry[];
  add(conversationId: string, text: string): OutboxEntry;
  /** Send whatever is pending, in creation order, while a socket is there. */
  flush(): void;
  retry(clientMsgId: string): boolean;
  discard(clientMsgId: string): boolean;
  /** Forget everything (logout); a send in flight is ignored when it returns. */
  clear(): void;
}

/**
 * Messages the user wrote that the server has not acknowledged yet. Entries are sent one at a time, oldest first, so
 * the server assigns seq in the order they were written; each keeps its clientMsgId for life, so resending after any
 * doubt (a socket that died before the reply) is safe: the server returns the stored message instead of a copy.
 */
export function createOutbox(deps: OutboxDeps): Outbox {
  let list: OutboxEntry[] = [...deps.initial];
  let generation = 0;
  let pumping = false;

  function changed(): void {
    deps.persist(list);
    deps.onChange([...list]);
  }

  function replace(clientMsgId: string, next: OutboxEntry | null): void {
    list = next
      ? list.map((entry) => (entry.clientMsgId === clientMsgId ? next : entry))
      : list.filter((entry) => entry.clientMsgId !== clientMsgId);
  }

  function find(clientMsgId: string): OutboxEntry | undefined {
    return list.find((entry) => entry.clientMsgId === clientMsgId);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => deps.timers.setTimeout(resolve, ms));
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    const myGeneration = generation;
    let attempt = 0;
    try {
      while (deps.canSend() && generation === myGeneration) {
        const entry = list.find((e) => e.state === 'pending');
        if (!entry) return;
        try {
          const message = await deps.send(entry);
          attempt = 0;
          if (generation !== myGeneration || !find(entry.clientMsgId)) continue;
          replace(entry.clientMsgId, null);
          deps.onSent(entry, message);
          changed();
        } catch (error) {
          if (generation !== myGeneration) return;
          // The token died (or the socket did): keep the entry as it is for the next session or connection.
          if (!(error instanceof ApiError) || endsSession(error)) return;
          if (error.retryable) {
            await sleep(error.retryAfterMs ?? deps.retryDelay(attempt++));
            continue;
          }
          const current = find(entry.clientMsgId);
          if (current?.state !== 'pending') continue;
          replace(entry.clientMsgId, { ...current, state: 'failed', error: error.toDto() });
          changed();
        }
      }
    } finally {
      pumping = false;
      // Cleared (logout) while a send was in flight: entries added since then were waiting for this pump to end.
      if (generation !== myGeneration) void pump();
    }
  }

  return {
    entries: () => [...list],
    add(conversationId, text) {
      const entry: OutboxEntry = {
        clientMsgId: deps.newId(),
        conversationId,
        text,
        createdAt: deps.timers.now(),
        state: 'pending',
      };
      list = [...list, entry];
      changed();
      void pump();
      return entry;
    },
    flush() {
      void pump();
    },
    retry(clientMsgId) {
      const entry = find(clientMsgId);
      if (entry?.state !== 'failed') return false;
      const { error: _dropped, ...rest } = entry;
      replace(clientMsgId, { ...rest, state: 'pending' });
      changed();
      void pump();
      return true;
    },
    discard(clientMsgId) {
      // Only failed entries: a pending one may be on the wire already and would arrive anyway.
      if (find(clientMsgId)?.state !== 'failed') return false;
      replace(clientMsgId, null);
      changed();
      return true;
    },
    clear() {
      generation++;
      if (list.length === 0) return;
      list = [];
      changed();
    },
  };
}
