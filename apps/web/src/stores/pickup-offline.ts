import { create } from "zustand";
import { fetchManifest, syncHandovers } from "../hooks/api/pickup.ts";
import {
  applySyncResults,
  emptyBook,
  type ManifestItem,
  type OfflineBook,
  type OfflineProof,
  recordOffline,
} from "../lib/offline-pickup.ts";

const DEVICE_KEY = "cs-pickup-device";
const bookKey = (userId: string) => `cs-pickup-book:${userId}`;

function deviceId(): string {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function readBook(userId: string): OfflineBook {
  try {
    const raw = localStorage.getItem(bookKey(userId));
    if (raw) {
      return { ...emptyBook(deviceId()), ...(JSON.parse(raw) as Partial<OfflineBook>) };
    }
  } catch {
    // A damaged entry: start again (the server still has every synced handover).
  }
  return emptyBook(deviceId());
}

type OfflineState = {
  userId: string | null;
  book: OfflineBook;
  syncing: boolean;
  /** Opens this agent's book (each agent on a shared phone has their own). */
  open: (userId: string) => void;
  download: () => Promise<void>;
  record: (proof: OfflineProof, item: ManifestItem, quantity: number, cashAmount?: number) => void;
  /** Sends what waits; answers how many the server applied. Throws when the network fails. */
  sync: () => Promise<number>;
  dismissConflicts: () => void;
};

/**
 * The agent's offline book, saved in localStorage at every change so that a handover recorded
 * without network survives the tab closing. The manifest is small (a few hundred bytes a trader).
 */
export const usePickupOffline = create<OfflineState>()((set, get) => {
  function save(book: OfflineBook) {
    const { userId } = get();
    if (userId) {
      localStorage.setItem(bookKey(userId), JSON.stringify(book));
    }
    set({ book });
  }
  return {
    userId: null,
    book: emptyBook(""),
    syncing: false,
    open: (userId) => {
      if (get().userId !== userId) {
        set({ userId, book: readBook(userId) });
      }
    },
    download: async () => {
      const manifest = await fetchManifest();
      save({ ...get().book, manifest, downloadedAt: new Date().toISOString() });
    },
    record: (proof, item, quantity, cashAmount) => {
      save(
        recordOffline(
          get().book,
          {
            clientId: crypto.randomUUID(),
            credentialId: item.credentialId,
            quantity,
            occurredAt: new Date().toISOString(),
            proof,
            ...(cashAmount === undefined ? {} : { cashAmount }),
          },
          item,
        ),
      );
    },
    sync: async () => {
      const { book, syncing } = get();
      if (syncing || book.pending.length === 0) {
        return 0;
      }
      set({ syncing: true });
      try {
        const results = await syncHandovers(book.deviceId, book.pending);
        save(applySyncResults(get().book, results));
        // Online again: what other devices handed over since is in a fresh manifest.
        await get()
          .download()
          .catch(() => {});
        return results.filter((r) => r.result === "applied").length;
      } finally {
        set({ syncing: false });
      }
    },
    dismissConflicts: () => save({ ...get().book, conflicts: [] }),
  };
});
