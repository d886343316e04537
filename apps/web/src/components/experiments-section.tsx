import type { TDifferenceInterval, TExperiment, TRateInterval } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  useCreateExperiment,
  useExperimentAction,
  useExperimentReport,
  useExperiments,
} from "../hooks/api/recommendations.ts";
import { errorMessage } from "../lib/errors.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { TextField } from "./text-field.tsx";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const COMPONENTS = ["cf", "content", "popularity", "buyAgain", "freshness"] as const;

function Rate({ value }: { value: TRateInterval }) {
  return (
    <span className="tabular-nums">
      {value.rate === null ? "–" : pct(value.rate)}{" "}
      <span className="text-stone-600">
        ({pct(value.low)}–{pct(value.high)})
      </span>
    </span>
  );
}

function Difference({ value }: { value: TDifferenceInterval | undefined }) {
  if (!value || value.difference === null) {
    return <span>–</span>;
  }
  const sign = (x: number) => `${x > 0 ? "+" : ""}${(x * 100).toFixed(1)}`;
  return (
    <span
      className={`tabular-nums ${value.low > 0 ? "text-green-800" : value.high < 0 ? "text-red-800" : ""}`}
    >
      {sign(value.difference)} ({sign(value.low)} … {sign(value.high)})
    </span>
  );
}

/** One experiment's per-variant results, with 95% intervals and differences to the control. */
function Results({ experiment }: { experiment: TExperiment }) {
  const { t } = useTranslation();
  const report = useExperimentReport(experiment.id, experiment.status !== "draft");
  if (experiment.status === "draft") {
    return null;
  }
  if (report.isError) {
    return <Alert>{errorMessage(t, report.error)}</Alert>;
  }
  if (!report.data) {
    return null;
  }
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="experiment-results">
        <caption className="text-left text-stone-700">
          {t("recommendations.experiments.caption", { days: report.data.windowDays })}
        </caption>
        <thead>
          <tr>
            <th>{t("recommendations.experiments.variant")}</th>
            <th>{t("recommendations.experiments.traders")}</th>
            <th>{t("recommendations.experiments.impressions")}</th>
            <th>{t("recommendations.experiments.clicks")}</th>
            <th>{t("recommendations.experiments.ctr")}</th>
            <th>{t("recommendations.experiments.joinConversion")}</th>
            <th>{t("recommendations.experiments.paidConversion")}</th>
          </tr>
        </thead>
        <tbody>
          {report.data.variants.map((v) => (
            <tr key={v.key} className="align-top">
              <th scope="row">
                {v.key} ({v.share}%)
              </th>
              <td className="tabular-nums">{v.traders}</td>
              <td className="tabular-nums">{v.impressions}</td>
              <td className="tabular-nums">{v.clicks}</td>
              <td>
                <Rate value={v.ctr} />
                <br />
                <Difference value={v.vsControl?.ctr} />
              </td>
              <td>
                <Rate value={v.joinConversion} />
                <br />
                <Difference value={v.vsControl?.joinConversion} />
              </td>
              <td>
                <Rate value={v.paidConversion} />
                <br />
                <Difference value={v.vsControl?.paidConversion} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-sm text-stone-700">{t("recommendations.experiments.legend")}</p>
    </div>
  );
}

function ExperimentRow({ experiment, canManage }: { experiment: TExperiment; canManage: boolean }) {
  const { t } = useTranslation();
  const action = useExperimentAction();
  return (
    <li
      className="flex flex-col gap-2 rounded-xl bg-white p-3 shadow-sm ring-1 ring-stone-200"
      data-testid="experiment"
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-base font-bold text-stone-900">{experiment.name}</h3>
        <span className="rounded-full bg-stone-200 px-2.5 py-1 text-xs font-bold text-stone-900">
          {t(`recommendations.experiments.status.${experiment.status}`)}
        </span>
      </div>
      {canManage && experiment.status !== "stopped" ? (
        <Button
          variant="secondary"
          busy={action.isPending}
          onClick={() =>
            action.mutate({
              id: experiment.id,
              action: experiment.status === "draft" ? "start" : "stop",
            })
          }
        >
          {t(
            experiment.status === "draft"
              ? "recommendations.experiments.start"
              : "recommendations.experiments.stop",
          )}
        </Button>
      ) : null}
      {action.isError ? <Alert>{errorMessage(t, action.error)}</Alert> : null}
      <Results experiment={experiment} />
    </li>
  );
}

/** A draft: the active model as control against the same model with other weights. */
function CreateExperiment({ controlVersion }: { controlVersion: number | undefined }) {
  const { t } = useTranslation();
  const create = useCreateExperiment();
  const [name, setName] = useState("");
  const [share, setShare] = useState("50");
  const [weights, setWeights] = useState<Record<string, string>>({});
  if (controlVersion === undefined) {
    return null;
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const treatment = Math.round(Number(share));
    const parsed = Object.fromEntries(
      Object.entries(weights)
        .filter(([, v]) => v.trim() !== "")
        .map(([k, v]) => [k, Number(v)]),
    );
    create.mutate({
      name,
      variants: [
        { key: "control", share: 100 - treatment, modelVersion: controlVersion },
        { key: "treatment", share: treatment, modelVersion: controlVersion, weights: parsed },
      ],
    });
  };
  return (
    <form className="flex flex-col gap-3" onSubmit={submit} data-testid="experiment-form">
      <TextField
        label={t("recommendations.experiments.name")}
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
      />
      <TextField
        label={t("recommendations.experiments.share")}
        hint={t("recommendations.experiments.controlHint", { version: controlVersion })}
        type="number"
        min={1}
        max={99}
        value={share}
        onChange={(e) => setShare(e.target.value)}
        required
      />
      <fieldset className="grid grid-cols-2 gap-2">
        <legend className="text-[15px] font-semibold text-stone-900">
          {t("recommendations.experiments.weights")}
        </legend>
        {COMPONENTS.map((c) => (
          <TextField
            key={c}
            label={t(`recommendations.components.${c}`)}
            type="number"
            min={0}
            step="any"
            value={weights[c] ?? ""}
            onChange={(e) => setWeights({ ...weights, [c]: e.target.value })}
          />
        ))}
      </fieldset>
      <Button type="submit" busy={create.isPending}>
        {t("recommendations.experiments.create")}
      </Button>
      {create.isError ? <Alert>{errorMessage(t, create.error)}</Alert> : null}
    </form>
  );
}

/** The A/B tests of the recommender: create, start, stop, and results with intervals. */
export function ExperimentsSection({
  activeVersion,
  canManage,
}: {
  activeVersion: number | undefined;
  canManage: boolean;
}) {
  const { t } = useTranslation();
  const experiments = useExperiments();
  return (
    <section className="flex flex-col gap-3" aria-labelledby="experiments-title">
      <h2 id="experiments-title" className="text-lg font-bold text-stone-900">
        {t("recommendations.experiments.title")}
      </h2>
      <p className="text-sm text-stone-700">{t("recommendations.experiments.intro")}</p>
      {canManage ? <CreateExperiment controlVersion={activeVersion} /> : null}
      {experiments.isError ? <Alert>{errorMessage(t, experiments.error)}</Alert> : null}
      {experiments.data?.items.length === 0 ? (
        <p className="text-base text-stone-700">{t("recommendations.experiments.none")}</p>
      ) : null}
      <ul className="flex flex-col gap-3">
        {experiments.data?.items.map((e) => (
          <ExperimentRow key={e.id} experiment={e} canManage={canManage} />
        ))}
      </ul>
    </section>
  );
}
