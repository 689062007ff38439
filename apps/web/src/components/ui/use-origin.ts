"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/**
 * This app's origin as the browser sees it (what senders and API clients
 * use); empty during server rendering, so the first client render matches.
 */
export function useOrigin(): string {
  return useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
}
