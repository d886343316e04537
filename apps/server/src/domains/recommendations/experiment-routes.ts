import {
  ZCreateExperimentRequest,
  ZExperiment,
  ZExperimentList,
  ZExperimentReport,
} from "@cs/contracts";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { experimentReport } from "./experiment-report.ts";
import {
  createExperiment,
  listExperiments,
  loadExperiment,
  startExperiment,
  stopExperiment,
} from "./experiments.ts";
import { presentExperiment } from "./presenter.ts";

const security = [{ bearer: [] }];
const ZId = z.object({ id: z.uuid() });
const tags = ["admin", "recommendations"];
/** Superadmins run experiments; analysts (and superadmins) read them. */
const manage = { permission: "admin:experiments" } as const;
const read = { permission: "admin:recommendations" } as const;

/** Admins: A/B tests of the recommender, under `/api/v1/admin`. */
export const experimentAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.get(
    "/recommendations/experiments",
    {
      config: read,
      schema: {
        tags,
        security,
        summary: "Experiments, newest first, with their variants",
        response: { 200: ZExperimentList },
      },
    },
    async () => ({ items: (await listExperiments(ctx)).map(presentExperiment) }),
  );
  app.post(
    "/recommendations/experiments",
    {
      config: manage,
      schema: {
        tags,
        security,
        summary:
          "Create a draft experiment: variants with traffic shares (summing to 100) and a model version and/or fusion weights; the first is the control",
        body: ZCreateExperimentRequest,
        response: { 201: ZExperiment },
      },
    },
    async (request, reply) => {
      const experiment = await createExperiment(
        ctx,
        requireActor(request),
        request.body,
        request.id,
      );
      return reply.status(201).send(presentExperiment(experiment));
    },
  );
  app.post(
    "/recommendations/experiments/:id/start",
    {
      config: manage,
      schema: {
        tags,
        security,
        summary: "Start a draft experiment (one runs at a time: 409 experiment_running otherwise)",
        params: ZId,
        response: { 200: ZExperiment },
      },
    },
    async (request) =>
      presentExperiment(
        await startExperiment(ctx, requireActor(request), request.params.id, request.id),
      ),
  );
  app.post(
    "/recommendations/experiments/:id/stop",
    {
      config: manage,
      schema: {
        tags,
        security,
        summary: "Stop a running experiment; everyone is served the active model again",
        params: ZId,
        response: { 200: ZExperiment },
      },
    },
    async (request) =>
      presentExperiment(
        await stopExperiment(ctx, requireActor(request), request.params.id, request.id),
      ),
  );
  app.get(
    "/recommendations/experiments/:id/report",
    {
      config: read,
      schema: {
        tags,
        security,
        summary:
          "Per variant: traders, impressions, clicks, CTR, join and paid conversion with 95% Wilson intervals, and each difference to the control",
        params: ZId,
        response: { 200: ZExperimentReport },
      },
    },
    async (request) => experimentReport(ctx, await loadExperiment(ctx, request.params.id)),
  );
};
