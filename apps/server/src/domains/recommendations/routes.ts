import {
  ZRecommendationEvent,
  ZRecommendationList,
  ZRecommendationModel,
  ZRecommendationModels,
  ZRecommendationQuery,
  ZTrainingRun,
  ZTrainRequest,
} from "@cs/contracts";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { requireActor } from "../../platform/auth/plugin.ts";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { findGroup } from "../groups/repo.ts";
import { assignmentOf } from "./assignment.ts";
import { flushEvents, recordEvents } from "./events.ts";
import { presentModel, presentRun } from "./presenter.ts";
import { findModel, findRun, listModels, listRuns } from "./repo.ts";
import { recommendGroups } from "./serve.ts";
import { activateModel, requestTraining } from "./train.ts";

const security = [{ bearer: [] }];
const ZId = z.object({ id: z.uuid() });

/** A trader's recommendations and the clicks on them. */
export const recommendationRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  app.addHook("onClose", async () => {
    await flushEvents(ctx, app.log);
  });
  app.get(
    "/recommendations",
    {
      config: { permission: "recommendations:own" },
      schema: {
        tags: ["recommendations"],
        security,
        summary: "My recommended open groups, with scores, contributions and reasons",
        querystring: ZRecommendationQuery,
        response: { 200: ZRecommendationList },
      },
    },
    async (request, reply) => {
      const body = await recommendGroups(
        ctx,
        requireActor(request),
        request.query.limit,
        request.log,
      );
      // Checked as it was built (see recommendGroups): a string skips the per-request serialiser.
      return (reply as unknown as FastifyReply).type("application/json; charset=utf-8").send(body);
    },
  );
  app.post(
    "/recommendations/events",
    {
      config: { permission: "recommendations:own" },
      schema: {
        tags: ["recommendations"],
        security,
        summary: "Record that I clicked a recommended group (recorded in the background)",
        body: ZRecommendationEvent,
        response: { 202: z.object({ recorded: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const group = await findGroup(ctx.db, request.body.groupId);
      if (!group || group.status === "draft") {
        throw new AppError("not_found", "No such group");
      }
      const assignment = await assignmentOf(ctx, actor.id);
      recordEvents(
        ctx,
        [
          {
            traderId: actor.id,
            groupId: group.id,
            productId: group.productId,
            kind: "click",
            experimentId: assignment?.experimentId ?? null,
            variant: assignment?.variant.key ?? null,
            createdAt: new Date(),
          },
        ],
        request.log,
      );
      return reply.status(202).send({ recorded: true });
    },
  );
};

/** Admins: model versions, training (queued for the worker) and rollback. */
export const recommendationAdminRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (
  app,
  { ctx },
) => {
  const config = { permission: "admin:recommendations" } as const;
  const tags = ["admin", "recommendations"];
  app.get(
    "/recommendations/models",
    {
      config,
      schema: {
        tags,
        security,
        summary: "Model versions with their offline metrics, and the latest training runs",
        response: { 200: ZRecommendationModels },
      },
    },
    async () => {
      const [models, runs] = await Promise.all([listModels(ctx.db), listRuns(ctx.db)]);
      return { items: models.map(presentModel), runs: runs.map(presentRun) };
    },
  );
  app.post(
    "/recommendations/train",
    {
      config,
      schema: {
        tags,
        security,
        summary: "Queue a training run (the running one is returned if there is one)",
        body: ZTrainRequest,
        response: { 202: ZTrainingRun },
      },
    },
    async (request, reply) => {
      const run = await requestTraining(ctx, requireActor(request), request.body.weights);
      return reply.status(202).send(run);
    },
  );
  app.get(
    "/recommendations/train/:id",
    {
      config,
      schema: {
        tags,
        security,
        summary: "A training run's progress",
        params: ZId,
        response: { 200: ZTrainingRun },
      },
    },
    async (request) => {
      const run = await findRun(ctx.db, request.params.id);
      if (!run) {
        throw new AppError("not_found", "No such training run");
      }
      return presentRun(run);
    },
  );
  app.post(
    "/recommendations/models/:id/activate",
    {
      config,
      schema: {
        tags,
        security,
        summary: "Serve this version from now on (rollback to an earlier one)",
        params: ZId,
        response: { 200: ZRecommendationModel },
      },
    },
    async (request) => {
      const model = await findModel(ctx.db, request.params.id);
      if (!model) {
        throw new AppError("not_found", "No such model version");
      }
      await activateModel(ctx, model.id);
      return presentModel((await findModel(ctx.db, model.id)) ?? model);
    },
  );
};
