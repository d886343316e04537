import {
  type TGroupRequestView,
  type TMarket,
  type TPickupPoint,
  type TProduct,
  ZCreateGroupRequest,
} from "@cs/contracts";
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { Chip, ChoiceGroup } from "../components/chip.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { SelectField } from "../components/select-field.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { TextField } from "../components/text-field.tsx";
import {
  rowsToTiers,
  TIER_MESSAGES,
  TierEditor,
  type TierRow,
  tiersToRows,
  unreadableTiers,
} from "../components/tier-editor.tsx";
import { usePickupPoints, useProduct, useSupplierProducts } from "../hooks/api/catalog.ts";
import { useCreateGroup } from "../hooks/api/groups.ts";
import { useCategories, useMarkets } from "../hooks/api/meta.ts";
import { useGroupRequests } from "../hooks/api/requests.ts";
import { type ManagedSupplier, useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import {
  errorMessage,
  fieldErrors,
  issuesToFieldErrors,
  type RowError,
  rowErrors,
  shownBeside,
} from "../lib/errors.ts";
import { CURRENCY_LABELS, formatMoney } from "../lib/money.ts";
import {
  formatHarareTime,
  harareDateInput,
  harareLocalToIso,
  serverNow,
} from "../lib/server-clock.ts";

const FIELD_MESSAGES: Record<string, string> = {
  productId: "manage.errors.product",
  moq: "manage.errors.moq",
  cap: "manage.errors.cap",
  minPerTrader: "manage.errors.minPerTrader",
  maxPerTrader: "manage.errors.maxPerTrader",
  deadline: "manage.errors.deadline",
  pickupPointIds: "manage.errors.pickupPoints",
  tiers: "manage.errors.tiers",
};

/** The server wants a deadline at least a minute away; leave room for filling in the form. */
const MIN_DEADLINE_MS = 5 * 60_000;
const DEFAULT_TIME = "18:00";

/** Typed digits as a number; anything else as NaN, which the contract schema reports. */
function wholeNumber(text: string): number {
  return /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/** A group starts with its product's ladder (or its single price), editable from there. */
function ladderOf(product: TProduct | null): TierRow[] {
  if (!product) {
    return tiersToRows([]);
  }
  return tiersToRows(
    product.tiers.length > 0 ? product.tiers : [{ minQty: 1, unitPrice: product.unitPrice }],
  );
}

/** The trader request an offer answers: what, how many, where. */
function RequestSummary({
  request,
  markets,
}: {
  request: TGroupRequestView;
  markets: TMarket[] | undefined;
}) {
  const { t, i18n } = useTranslation();
  const market = markets?.find((m) => m.id === request.marketId);
  return (
    <section
      className="flex flex-col gap-1 rounded-2xl border-l-4 border-amber-500 bg-amber-50 p-3"
      data-testid="offer-request"
    >
      <h2 className="text-base font-bold text-stone-900">{t("manage.groupForm.fromRequest")}</h2>
      <p className="text-[15px] text-stone-900">{request.description}</p>
      <p className="text-sm text-stone-700">
        {t("manage.requests.quantity", { count: request.quantity })} ·{" "}
        {market?.name ?? request.marketId} · {formatHarareTime(request.createdAt, i18n.language)}
      </p>
    </section>
  );
}

type GroupFormProps = {
  managed: ManagedSupplier;
  products: TProduct[];
  points: TPickupPoint[];
  initialProductId: string;
  request: TGroupRequestView | null;
  requestId: string;
  categoryHint: string | null;
};

function GroupForm({
  managed,
  products,
  points,
  initialProductId,
  request,
  requestId,
  categoryHint,
}: GroupFormProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateGroup();
  // The product asked for, or the only one there is to offer.
  const [productId, setProductId] = useState(
    products.some((p) => p.id === initialProductId)
      ? initialProductId
      : products.length === 1
        ? (products[0]?.id ?? "")
        : "",
  );
  const product = products.find((p) => p.id === productId) ?? null;
  const [moq, setMoq] = useState("");
  const [cap, setCap] = useState("");
  const [minPerTrader, setMinPerTrader] = useState("1");
  const [maxPerTrader, setMaxPerTrader] = useState("");
  const [date, setDate] = useState(() => harareDateInput(serverNow(), 1));
  const [time, setTime] = useState(DEFAULT_TIME);
  // Coming from a request: the pickup points of the market it was asked for, to start with.
  const [pickupIds, setPickupIds] = useState<string[]>(() =>
    request ? points.filter((p) => p.marketId === request.marketId).map((p) => p.id) : [],
  );
  const [tiers, setTiers] = useState<TierRow[]>(() => ladderOf(product));
  const [mode, setMode] = useState<"open" | "draft">("open");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [localTierErrors, setLocalTierErrors] = useState<Record<number, RowError>>({});

  const errors = { ...fieldErrors(t, create.error, FIELD_MESSAGES), ...localErrors };
  const tierErrors = { ...rowErrors(t, create.error, "tiers", TIER_MESSAGES), ...localTierErrors };
  const currency = product?.currency ?? "USD";
  const leading = currency === "USD" ? "$" : undefined;
  const hasFieldErrors = Object.keys(errors).length + Object.keys(tierErrors).length > 0;
  const serverProblem = shownBeside(create.error, FIELD_MESSAGES) ? null : create.error;

  function chooseProduct(id: string) {
    setProductId(id);
    setTiers(ladderOf(products.find((p) => p.id === id) ?? null));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const deadline = harareLocalToIso(date, time);
    const body = {
      productId,
      moq: wholeNumber(moq),
      ...(cap.trim() ? { cap: wholeNumber(cap) } : {}),
      minPerTrader: wholeNumber(minPerTrader),
      ...(maxPerTrader.trim() ? { maxPerTrader: wholeNumber(maxPerTrader) } : {}),
      deadline: deadline ?? "",
      pickupPointIds: pickupIds,
      tiers: rowsToTiers(tiers, product?.unitPrice ?? null),
      open: mode === "open",
      ...(requestId ? { requestId } : {}),
    };
    const parsed = ZCreateGroupRequest.safeParse(body);
    const issues = parsed.success ? [] : parsed.error.issues;
    const found = issuesToFieldErrors(t, issues, FIELD_MESSAGES);
    if (!deadline || Date.parse(deadline) < serverNow() + MIN_DEADLINE_MS) {
      found.deadline = t("manage.errors.deadline");
    }
    const badRows = {
      ...rowErrors(t, issues, "tiers", TIER_MESSAGES),
      ...unreadableTiers(t, tiers, product?.unitPrice ?? null),
    };
    if (Object.keys(badRows).length > 0) {
      delete found.tiers;
    }
    setLocalErrors(found);
    setLocalTierErrors(badRows);
    if (!parsed.success || Object.keys(found).length > 0 || Object.keys(badRows).length > 0) {
      return;
    }
    create.reset();
    create.mutate(parsed.data, {
      onSuccess: (group) => navigate(`/groups/${group.id}`),
    });
  }

  if (products.length === 0) {
    return (
      <div className="flex flex-col gap-3 rounded-2xl border-2 border-dashed border-stone-300 p-4">
        <p className="text-base text-stone-800">{t("manage.groupForm.noProducts")}</p>
        <Link to="/manage/products/new" className={buttonClass("primary", "w-full")}>
          {t("manage.products.add")}
        </Link>
      </div>
    );
  }

  const showSupplier = managed.admin && managed.supplierId === "";
  return (
    <form className="flex flex-col gap-5" onSubmit={onSubmit} noValidate data-testid="group-form">
      {categoryHint ? <Alert tone="info">{categoryHint}</Alert> : null}
      <div className="flex flex-col gap-1.5">
        <SelectField
          label={t("manage.groupForm.product")}
          name="productId"
          value={productId}
          onChange={(event) => chooseProduct(event.target.value)}
          error={errors.productId}
        >
          <option value="" disabled>
            {t("manage.groupForm.productPlaceholder")}
          </option>
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {showSupplier ? `${p.name} · ${p.supplierName}` : p.name}
            </option>
          ))}
        </SelectField>
        {product ? (
          <p className="text-sm text-stone-700" data-testid="group-form-product">
            {formatMoney(product.unitPrice, product.currency, i18n.language)}{" "}
            {t("groups.perUnit", { unit: product.unit })}
          </p>
        ) : null}
      </div>

      <TextField
        label={t("manage.groupForm.moq")}
        hint={t("manage.groupForm.moqHint")}
        name="moq"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={7}
        placeholder={request ? String(request.quantity) : "20"}
        value={moq}
        onChange={(event) => setMoq(event.target.value.replace(/\D/g, ""))}
        error={errors.moq}
      />
      <TextField
        label={t("manage.groupForm.cap")}
        hint={t("manage.groupForm.capHint")}
        name="cap"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={7}
        value={cap}
        onChange={(event) => setCap(event.target.value.replace(/\D/g, ""))}
        error={errors.cap}
      />
      <fieldset className="flex min-w-0 flex-col gap-2">
        <legend className="mb-1 text-[15px] font-semibold text-stone-900">
          {t("manage.groupForm.perTrader")}
        </legend>
        <div className="grid grid-cols-2 gap-3">
          <TextField
            label={t("manage.groupForm.minPerTrader")}
            name="minPerTrader"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={6}
            value={minPerTrader}
            onChange={(event) => setMinPerTrader(event.target.value.replace(/\D/g, ""))}
            error={errors.minPerTrader}
          />
          <TextField
            label={t("manage.groupForm.maxPerTrader")}
            name="maxPerTrader"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={6}
            value={maxPerTrader}
            onChange={(event) => setMaxPerTrader(event.target.value.replace(/\D/g, ""))}
            error={errors.maxPerTrader}
          />
        </div>
        <p className="text-sm text-stone-700">{t("manage.groupForm.maxHint")}</p>
      </fieldset>

      <fieldset className="flex min-w-0 flex-col gap-2">
        <legend className="mb-1 text-[15px] font-semibold text-stone-900">
          {t("manage.groupForm.deadline")}
        </legend>
        <div className="grid grid-cols-[3fr_2fr] gap-3">
          <TextField
            label={t("manage.groupForm.date")}
            name="deadlineDate"
            type="date"
            min={harareDateInput(serverNow())}
            value={date}
            onChange={(event) => setDate(event.target.value)}
            aria-invalid={errors.deadline ? true : undefined}
          />
          <TextField
            label={t("manage.groupForm.time")}
            name="deadlineTime"
            type="time"
            value={time}
            onChange={(event) => setTime(event.target.value)}
            aria-invalid={errors.deadline ? true : undefined}
          />
        </div>
        {errors.deadline ? (
          <p className="text-sm font-semibold text-red-800" role="alert" data-field-error>
            {errors.deadline}
          </p>
        ) : (
          <p className="text-sm text-stone-700">{t("manage.groupForm.deadlineHint")}</p>
        )}
      </fieldset>

      <ChoiceGroup
        legend={t("manage.groupForm.pickupPoints")}
        hint={t("manage.groupForm.pickupHint")}
        error={errors.pickupPointIds}
      >
        {points.map((point) => {
          const selected = pickupIds.includes(point.id);
          return (
            <Chip
              key={point.id}
              testId={`pickup-${point.id}`}
              selected={selected}
              onToggle={() =>
                setPickupIds((ids) =>
                  selected ? ids.filter((x) => x !== point.id) : [...ids, point.id],
                )
              }
            >
              {point.name}
            </Chip>
          );
        })}
      </ChoiceGroup>

      <TierEditor
        legend={t("manage.groupForm.tiers", { currency: CURRENCY_LABELS[currency] })}
        hint={t("manage.groupForm.tiersHint")}
        rows={tiers}
        onChange={(rows) => {
          setTiers(rows);
          setLocalTierErrors({});
        }}
        leading={leading}
        error={Object.keys(tierErrors).length > 0 ? undefined : errors.tiers}
        rowErrors={tierErrors}
      />

      {serverProblem ? <Alert>{errorMessage(t, serverProblem)}</Alert> : null}
      {hasFieldErrors && !serverProblem ? <Alert>{t("errors.validation_failed")}</Alert> : null}

      <div className="flex flex-col gap-3">
        <Button
          type="submit"
          variant="accent"
          className="w-full text-lg"
          busy={create.isPending && mode === "open"}
          disabled={create.isPending}
          data-testid="group-open-now"
          onClick={() => setMode("open")}
        >
          {t("manage.groupForm.openNow")}
        </Button>
        <Button
          type="submit"
          variant="secondary"
          className="w-full"
          busy={create.isPending && mode === "draft"}
          disabled={create.isPending}
          data-testid="group-save-draft"
          onClick={() => setMode("draft")}
        >
          {t("manage.groupForm.saveDraft")}
        </Button>
        <p className="text-sm text-stone-700">{t("manage.groupForm.draftHint")}</p>
      </div>
    </form>
  );
}

/**
 * `/manage/groups/new`: a group offer for one of the supplier's products. `?product=` preselects
 * the product; `?request=&category=` answers a trader request (its category's products first).
 */
export function NewGroupRoute() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const productParam = params.get("product") ?? "";
  const requestId = params.get("request") ?? "";
  const category = params.get("category") ?? "";
  const managed = useManagedSupplier();
  const known = managed.admin || managed.supplierId !== "";
  const list = useSupplierProducts(managed.supplierId, managed.status === "success" && known);
  const linked = useProduct(productParam);
  const points = usePickupPoints();
  const markets = useMarkets();
  const categories = useCategories();
  const requests = useGroupRequests({ status: "open", category }, requestId !== "");
  const request = requests.data?.find((r) => r.id === requestId) ?? null;

  // A select needs the whole list: fetch the remaining pages of products.
  useEffect(() => {
    if (list.hasNextPage && !list.isFetchingNextPage) {
      void list.fetchNextPage();
    }
  }, [list.hasNextPage, list.isFetchingNextPage, list.fetchNextPage]);

  const { products, categoryHint } = useMemo(() => {
    const all = (list.data?.pages.flatMap((page) => page.items) ?? []).filter(
      (p) => p.active && p.abilities.update,
    );
    if (
      linked.data?.active &&
      linked.data.abilities.update &&
      !all.some((p) => p.id === linked.data.id)
    ) {
      all.unshift(linked.data);
    }
    if (!category) {
      return { products: all, categoryHint: null };
    }
    const inCategory = all.filter((p) => p.categoryId === category);
    const found = categories.data?.find((c) => c.id === category);
    return inCategory.length > 0
      ? { products: inCategory, categoryHint: null }
      : { products: all, categoryHint: found ? t("manage.groupForm.noProductsInCategory") : null };
  }, [list.data, linked.data, category, categories.data, t]);

  const failed =
    managed.status === "error" ? managed : list.isError ? list : points.isError ? points : null;
  let content: ReactNode;
  if (failed) {
    content = (
      <Alert>
        {t("manage.loadFailed")} {errorMessage(t, failed.error)}
      </Alert>
    );
  } else if (
    managed.status === "pending" ||
    (known && (!list.data || list.hasNextPage)) ||
    !points.data ||
    (productParam !== "" && linked.isPending) ||
    (requestId !== "" && requests.isPending)
  ) {
    content = <PageLoading />;
  } else {
    content = (
      <GroupForm
        key={`${managed.supplierId}:${productParam}:${requestId}`}
        managed={managed}
        products={products}
        points={points.data}
        initialProductId={productParam}
        request={request}
        requestId={requestId}
        categoryHint={categoryHint}
      />
    );
  }

  return (
    <Page title={t("manage.groupForm.title")} intro={t("manage.groupForm.intro")}>
      {request ? <RequestSummary request={request} markets={markets.data} /> : null}
      {productParam ? null : <SupplierPicker managed={managed} allowAll />}
      {content}
    </Page>
  );
}
