import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Suspense } from "react";
import { Outlet } from "react-router";
import { ApiError } from "../lib/api.ts";
import { PageLoading } from "./page-loading.tsx";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      // 4xx answers will not change by asking again; network blips on 2G/3G often do.
      retry: (failureCount, error) =>
        failureCount < 2 &&
        !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
  },
});

/**
 * Provides TanStack Query to every route but the landing page. Loaded lazily with those routes,
 * so the landing page's first download does not carry the query library.
 */
export function QueryLayout() {
  return (
    <QueryClientProvider client={queryClient}>
      <Suspense fallback={<PageLoading />}>
        <Outlet />
      </Suspense>
    </QueryClientProvider>
  );
}
