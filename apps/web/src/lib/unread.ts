/**
 * The unread count, shared by the bell in the header and the notification centre without a
 * store: the centre announces a new count, the bell listens. Kept tiny for the landing bundle.
 */
const EVENT = "cs:unread";

export function announceUnread(count: number): void {
  window.dispatchEvent(new CustomEvent<number>(EVENT, { detail: count }));
}

export function onUnread(listener: (count: number) => void): () => void {
  const handle = (event: Event) => listener((event as CustomEvent<number>).detail);
  window.addEventListener(EVENT, handle);
  return () => window.removeEventListener(EVENT, handle);
}
