import {
  type TCreateExperimentRequest,
  type TTrainingRun,
  ZExperiment,
  ZExperimentList,
  ZExperimentReport,
  ZRecommendationList,
  ZRecommendationModel,
  ZRecommendationModels,
  ZTrainingRun,
} from "@cs/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api } from "../../lib/api.ts";
import { liveSocket } from "../../lib/realtime.ts";
import { useViewer } from "./groups.ts";

export const recommendationKeys = {
  all: ["recommendations"] as const,
  mine: (viewer: string) => [...recommendationKeys.all, "mine", viewer] as const,
  models: () => [...recommendationKeys.all, "models"] as const,
};

/** `GET /api/v1/recommendations`: the trader's recommended open groups with their reasons. */
export function useRecommendations(limit = 6) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: [...recommendationKeys.mine(viewer), limit],
    queryFn: async ({ signal }) =>
      ZRecommendationList.parse(
        await api<unknown>(`/api/v1/recommendations?limit=${limit}`, { signal }),
      ),
    enabled: ready,
    staleTime: 60_000,
  });
}

/** Tells the server a recommended group was opened; never waits and never fails the click. */
export function recordRecommendationClick(groupId: string): void {
  void api("/api/v1/recommendations/events", {
    method: "POST",
    body: { groupId, kind: "click" },
  }).catch(() => undefined);
}

/** `GET /api/v1/admin/recommendations/models`: versions, metrics and the latest runs. */
export function useRecommendationModels() {
  return useQuery({
    queryKey: recommendationKeys.models(),
    queryFn: async ({ signal }) =>
      ZRecommendationModels.parse(
        await api<unknown>("/api/v1/admin/recommendations/models", { signal }),
      ),
    staleTime: 10_000,
  });
}

/** `POST /api/v1/admin/recommendations/train`: queues a training run. */
export function useTrain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      ZTrainingRun.parse(
        await api<unknown>("/api/v1/admin/recommendations/train", { method: "POST", body: {} }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: recommendationKeys.models() }),
  });
}

/** `POST /api/v1/admin/recommendations/models/:id/activate`: serve that version (rollback). */
export function useActivateModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      ZRecommendationModel.parse(
        await api<unknown>(`/api/v1/admin/recommendations/models/${id}/activate`, {
          method: "POST",
          body: {},
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: recommendationKeys.all }),
  });
}

/**
 * Training progress pushed to the admins' room: each push replaces that run in the cached list,
 * and a finished run reloads the versions (a new one has appeared).
 */
export function useTrainingProgress() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    void liveSocket().then((socket) => {
      const onProgress = (raw: unknown) => {
        const parsed = ZTrainingRun.safeParse(raw);
        if (!parsed.success) {
          return;
        }
        const run: TTrainingRun = parsed.data;
        queryClient.setQueryData(
          recommendationKeys.models(),
          (old: ReturnType<typeof ZRecommendationModels.parse> | undefined) =>
            old ? { ...old, runs: [run, ...old.runs.filter((r) => r.id !== run.id)] } : old,
        );
        if (run.status === "succeeded" || run.status === "failed") {
          void queryClient.invalidateQueries({ queryKey: recommendationKeys.models() });
        }
      };
      if (cancelled) {
        return;
      }
      socket.on("recommendations:training", onProgress);
      stop = () => socket.off("recommendations:training", onProgress);
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [queryClient]);
}

const experimentKeys = {
  list: () => [...recommendationKeys.all, "experiments"] as const,
  report: (id: string) => [...recommendationKeys.all, "experiments", id, "report"] as const,
};

/** `GET /api/v1/admin/recommendations/experiments`: A/B tests, newest first. */
export function useExperiments() {
  return useQuery({
    queryKey: experimentKeys.list(),
    queryFn: async ({ signal }) =>
      ZExperimentList.parse(
        await api<unknown>("/api/v1/admin/recommendations/experiments", { signal }),
      ),
    staleTime: 10_000,
  });
}

/** `POST /api/v1/admin/recommendations/experiments`: a draft experiment. */
export function useCreateExperiment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: TCreateExperimentRequest) =>
      ZExperiment.parse(
        await api<unknown>("/api/v1/admin/recommendations/experiments", { method: "POST", body }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: experimentKeys.list() }),
  });
}

/** `POST …/experiments/:id/start` or `…/stop`. */
export function useExperimentAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: "start" | "stop" }) =>
      ZExperiment.parse(
        await api<unknown>(`/api/v1/admin/recommendations/experiments/${id}/${action}`, {
          method: "POST",
          body: {},
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: experimentKeys.list() }),
  });
}

/** `GET …/experiments/:id/report`: per-variant rates with 95% intervals. */
export function useExperimentReport(id: string, enabled: boolean) {
  return useQuery({
    queryKey: experimentKeys.report(id),
    queryFn: async ({ signal }) =>
      ZExperimentReport.parse(
        await api<unknown>(`/api/v1/admin/recommendations/experiments/${id}/report`, { signal }),
      ),
    enabled,
    staleTime: 30_000,
  });
}
