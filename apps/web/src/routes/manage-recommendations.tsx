import type { TRecommendationModel, TTrainingRun } from "@cs/contracts";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button } from "../components/button.tsx";
import { ExperimentsSection } from "../components/experiments-section.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import {
  useActivateModel,
  useRecommendationModels,
  useTrain,
  useTrainingProgress,
} from "../hooks/api/recommendations.ts";
import { errorMessage } from "../lib/errors.ts";
import { canTrainRecommender } from "../lib/roles.ts";
import { formatHarareTime } from "../lib/server-clock.ts";
import { useSession } from "../stores/session.ts";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The latest run: a live progress bar while it runs, its outcome when it is done. */
function RunStatus({ run }: { run: TTrainingRun }) {
  const { t } = useTranslation();
  const live = run.status === "queued" || run.status === "running";
  return (
    <div
      className="flex flex-col gap-2 rounded-xl bg-stone-50 p-3 ring-1 ring-stone-200"
      data-testid="training-run"
    >
      <p className="flex justify-between gap-2 text-sm font-semibold text-stone-900">
        <span>{t(`recommendations.admin.runStatus.${run.status}`)}</span>
        <span className="tabular-nums">{run.percent}%</span>
      </p>
      {live ? (
        <div
          className="h-2 rounded-full bg-stone-200"
          role="progressbar"
          aria-valuenow={run.percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-label={t("recommendations.admin.progress")}
        >
          <div className="h-2 rounded-full bg-green-700" style={{ width: `${run.percent}%` }} />
        </div>
      ) : null}
      <p className="text-sm text-stone-700">
        {t("recommendations.admin.stage", { stage: run.stage })}
        {run.outcome ? ` · ${run.outcome}` : ""}
        {run.error ? ` · ${run.error}` : ""}
      </p>
    </div>
  );
}

function ModelRow({ model }: { model: TRecommendationModel }) {
  const { t, i18n } = useTranslation();
  const activate = useActivateModel();
  const m = model.metrics;
  return (
    <li
      className="flex flex-col gap-2 rounded-xl bg-white p-3 shadow-sm ring-1 ring-stone-200"
      data-testid="model-version"
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-base font-bold text-stone-900">
          {t("recommendations.admin.version", { version: model.version })}
        </h3>
        <span
          className={`rounded-full px-2.5 py-1 text-xs font-bold ${
            model.status === "active" ? "bg-green-700 text-white" : "bg-stone-200 text-stone-900"
          }`}
        >
          {t(`recommendations.admin.status.${model.status}`)}
        </span>
      </div>
      <p className="text-sm text-stone-700">{formatHarareTime(model.createdAt, i18n.language)}</p>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
        <dt className="text-stone-600">NDCG@{m.k}</dt>
        <dd className="font-semibold tabular-nums">{m.ndcg.toFixed(3)}</dd>
        <dt className="text-stone-600">{t("recommendations.admin.precision", { k: m.k })}</dt>
        <dd className="font-semibold tabular-nums">{pct(m.precision)}</dd>
        <dt className="text-stone-600">{t("recommendations.admin.recall", { k: m.k })}</dt>
        <dd className="font-semibold tabular-nums">{pct(m.recall)}</dd>
        <dt className="text-stone-600">{t("recommendations.admin.evaluated")}</dt>
        <dd className="font-semibold tabular-nums">{m.users}</dd>
        <dt className="text-stone-600">{t("recommendations.admin.data")}</dt>
        <dd className="font-semibold tabular-nums">
          {t("recommendations.admin.dataValue", {
            interactions: m.interactions,
            traders: m.traders,
            products: m.products,
          })}
        </dd>
      </dl>
      {m.baseline ? (
        <p className="text-sm text-stone-700">
          {t("recommendations.admin.baseline", {
            version: m.baseline.version,
            ndcg: m.baseline.ndcg.toFixed(3),
          })}
        </p>
      ) : null}
      {model.status !== "active" ? (
        <Button
          variant="secondary"
          busy={activate.isPending}
          onClick={() => activate.mutate(model.id)}
          data-testid="activate-model"
        >
          {t("recommendations.admin.activate")}
        </Button>
      ) : null}
      {activate.isError ? <Alert>{errorMessage(t, activate.error)}</Alert> : null}
    </li>
  );
}

/** `/manage/recommendations`: model versions, offline metrics, training with live progress. */
export function ManageRecommendationsRoute() {
  const { t } = useTranslation();
  const user = useSession((s) => s.user);
  const models = useRecommendationModels();
  const train = useTrain();
  useTrainingProgress();
  if (!canTrainRecommender(user)) {
    return <Navigate to="/manage" replace />;
  }
  const latest = models.data?.runs[0];
  const busy = latest?.status === "queued" || latest?.status === "running";
  return (
    <Page title={t("recommendations.admin.title")} intro={t("recommendations.admin.intro")}>
      <Button busy={train.isPending || busy} onClick={() => train.mutate()} data-testid="train">
        {t("recommendations.admin.train")}
      </Button>
      {train.isError ? <Alert>{errorMessage(t, train.error)}</Alert> : null}
      {latest ? <RunStatus run={latest} /> : null}
      {models.isError ? (
        <Alert>{errorMessage(t, models.error)}</Alert>
      ) : !models.data ? (
        <PageLoading />
      ) : models.data.items.length === 0 ? (
        <p className="text-base text-stone-700">{t("recommendations.admin.noModels")}</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {models.data.items.map((model) => (
            <ModelRow key={model.id} model={model} />
          ))}
        </ul>
      )}
      <ExperimentsSection
        activeVersion={models.data?.items.find((m) => m.status === "active")?.version}
        canManage={canTrainRecommender(user)}
      />
    </Page>
  );
}
