import {
  type TCategory,
  type TCurrency,
  type TProduct,
  ZProductCreate,
  ZProductUpdate,
} from "@cs/contracts";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { ChoiceGroup, RadioChip } from "../components/chip.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { SelectField } from "../components/select-field.tsx";
import { TextField } from "../components/text-field.tsx";
import { TextAreaField } from "../components/textarea-field.tsx";
import {
  rowsToTiers,
  TIER_MESSAGES,
  TierEditor,
  type TierRow,
  tiersToRows,
  unreadableTiers,
} from "../components/tier-editor.tsx";
import { useProduct, useSaveProduct } from "../hooks/api/catalog.ts";
import { useCategories } from "../hooks/api/meta.ts";
import { type ManagedSupplier, useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import {
  errorMessage,
  fieldErrors,
  issuesToFieldErrors,
  type RowError,
  rowErrors,
  shownBeside,
} from "../lib/errors.ts";
import { CURRENCY_LABELS, centsToPriceInput, dollarsToCents } from "../lib/money.ts";

const FIELD_MESSAGES: Record<string, string> = {
  supplierId: "manage.errors.supplier",
  categoryId: "manage.errors.category",
  name: "manage.errors.name",
  description: "manage.errors.description",
  unit: "manage.errors.unit",
  unitPrice: "manage.errors.price",
  stock: "manage.errors.stock",
  tiers: "manage.errors.tiers",
};

type ProductFormProps = {
  managed: ManagedSupplier;
  categories: TCategory[];
  initial: TProduct | null;
};

function ProductForm({ managed, categories, initial }: ProductFormProps) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const save = useSaveProduct();
  const [supplierId, setSupplierId] = useState(initial?.supplierId ?? managed.supplierId);
  const [categoryId, setCategoryId] = useState(initial?.categoryId ?? "");
  const [name, setName] = useState(initial?.name ?? "");
  const [description, setDescription] = useState(initial?.description ?? "");
  const [unit, setUnit] = useState(initial?.unit ?? "");
  const [currency, setCurrency] = useState<TCurrency>(initial?.currency ?? "USD");
  const [unitPrice, setUnitPrice] = useState(initial ? centsToPriceInput(initial.unitPrice) : "");
  const [stock, setStock] = useState(initial ? String(initial.stock) : "");
  const [active, setActive] = useState(initial?.active ?? true);
  const [tiers, setTiers] = useState<TierRow[]>(() => tiersToRows(initial?.tiers ?? []));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [localTierErrors, setLocalTierErrors] = useState<Record<number, RowError>>({});

  // Who the product belongs to is asked only where it is not obvious: admins, several teams.
  const askSupplier = !initial && (managed.admin || managed.choices.length > 1);
  const errors = { ...fieldErrors(t, save.error, FIELD_MESSAGES), ...localErrors };
  const tierErrors = {
    ...rowErrors(t, save.error, "tiers", TIER_MESSAGES),
    ...localTierErrors,
  };
  const priceCents = dollarsToCents(unitPrice);
  const leading = currency === "USD" ? "$" : undefined;
  const hasFieldErrors = Object.keys(errors).length + Object.keys(tierErrors).length > 0;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = {
      categoryId,
      name,
      description,
      unit,
      currency,
      unitPrice: priceCents ?? 0,
      stock: /^\d{1,8}$/.test(stock.trim()) ? Number(stock.trim()) : -1,
      tiers: rowsToTiers(tiers, priceCents),
    };
    const parsed = initial
      ? ZProductUpdate.safeParse({ ...fields, active })
      : ZProductCreate.safeParse({ ...fields, ...(supplierId ? { supplierId } : {}) });
    const issues = parsed.success ? [] : parsed.error.issues;
    const found = issuesToFieldErrors(t, issues, FIELD_MESSAGES);
    if (askSupplier && !supplierId) {
      found.supplierId = t("manage.errors.supplier");
    }
    const badRows = {
      ...rowErrors(t, issues, "tiers", TIER_MESSAGES),
      ...unreadableTiers(t, tiers, priceCents),
    };
    if (Object.keys(badRows).length > 0) {
      delete found.tiers;
    }
    setLocalErrors(found);
    setLocalTierErrors(badRows);
    if (Object.keys(found).length > 0 || Object.keys(badRows).length > 0) {
      return;
    }
    save.reset();
    save.mutate(
      initial
        ? { id: initial.id, patch: { ...fields, active } }
        : {
            create: { ...fields, ...(supplierId ? { supplierId } : {}) },
            active,
          },
      {
        onSuccess: (product) =>
          navigate("/manage/products", { state: { saved: product.name }, replace: true }),
      },
    );
  }

  const serverProblem = shownBeside(save.error, FIELD_MESSAGES) ? null : save.error;

  return (
    <form className="flex flex-col gap-5" onSubmit={onSubmit} noValidate data-testid="product-form">
      {askSupplier ? (
        <SelectField
          label={t("manage.supplier")}
          name="supplierId"
          value={supplierId}
          onChange={(event) => setSupplierId(event.target.value)}
          error={errors.supplierId}
        >
          <option value="" disabled>
            {t("manage.supplierPlaceholder")}
          </option>
          {managed.choices.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.name}
            </option>
          ))}
        </SelectField>
      ) : null}

      <SelectField
        label={t("manage.productForm.category")}
        name="categoryId"
        value={categoryId}
        onChange={(event) => setCategoryId(event.target.value)}
        error={errors.categoryId}
        empty={{ label: t("manage.productForm.categoryPlaceholder") }}
        options={categories.map((category) => ({
          value: category.id,
          label: categoryName(category, i18n.language),
        }))}
      />

      <TextField
        label={t("manage.productForm.name")}
        name="name"
        autoComplete="off"
        maxLength={120}
        placeholder={t("manage.productForm.namePlaceholder")}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errors.name}
      />

      <TextAreaField
        label={t("manage.productForm.description")}
        hint={t("manage.productForm.descriptionHint")}
        name="description"
        maxLength={2000}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
      />

      <TextField
        label={t("manage.productForm.unit")}
        hint={t("manage.productForm.unitHint")}
        name="unit"
        autoComplete="off"
        maxLength={40}
        value={unit}
        onChange={(event) => setUnit(event.target.value)}
        error={errors.unit}
      />

      <ChoiceGroup legend={t("manage.productForm.currency")} error={errors.currency}>
        {(["USD", "ZWG"] as const).map((value) => (
          <RadioChip
            key={value}
            name="currency"
            value={value}
            testId={`currency-${value}`}
            checked={currency === value}
            onChange={() => setCurrency(value)}
          >
            {t(`manage.productForm.currencies.${value}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>

      <TextField
        label={t("manage.productForm.unitPrice", { currency: CURRENCY_LABELS[currency] })}
        name="unitPrice"
        inputMode="decimal"
        placeholder="24.50"
        leading={leading}
        value={unitPrice}
        onChange={(event) => setUnitPrice(event.target.value)}
        error={errors.unitPrice}
      />
      <TextField
        label={t("manage.productForm.stock")}
        name="stock"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={8}
        placeholder="100"
        value={stock}
        onChange={(event) => setStock(event.target.value.replace(/\D/g, ""))}
        error={errors.stock}
      />

      <TierEditor
        legend={t("manage.productForm.tiers", { currency: CURRENCY_LABELS[currency] })}
        hint={t("manage.productForm.tiersHint")}
        rows={tiers}
        onChange={(rows) => {
          setTiers(rows);
          setLocalTierErrors({});
        }}
        leading={leading}
        firstPricePlaceholder={priceCents ? centsToPriceInput(priceCents) : undefined}
        error={Object.keys(tierErrors).length > 0 ? undefined : errors.tiers}
        rowErrors={tierErrors}
      />

      <label className="flex min-h-12 cursor-pointer items-start gap-3 rounded-xl border-2 border-stone-300 bg-white p-3">
        <input
          type="checkbox"
          name="active"
          className="mt-0.5 size-6 shrink-0 accent-green-700"
          checked={active}
          onChange={(event) => setActive(event.target.checked)}
        />
        <span className="flex flex-col">
          <span className="text-[15px] font-semibold text-stone-900">
            {t("manage.productForm.active")}
          </span>
          <span className="text-sm text-stone-700">{t("manage.productForm.activeHint")}</span>
        </span>
      </label>

      {serverProblem ? <Alert>{errorMessage(t, serverProblem)}</Alert> : null}
      {hasFieldErrors && !serverProblem ? <Alert>{t("errors.validation_failed")}</Alert> : null}

      <div className="flex flex-col gap-3">
        <Button type="submit" busy={save.isPending} className="w-full" data-testid="product-submit">
          {initial ? t("manage.productForm.save") : t("manage.productForm.create")}
        </Button>
        <Link to="/manage/products" className={buttonClass("secondary", "w-full")}>
          {t("profile.cancel")}
        </Link>
      </div>
    </form>
  );
}

/** `/manage/products/new` and `/manage/products/:id`: a product and its price ladder. */
export function ProductFormRoute() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const managed = useManagedSupplier();
  const categories = useCategories();
  const product = useProduct(id);
  const title = id ? t("manage.productForm.editTitle") : t("manage.productForm.newTitle");

  const failed = categories.isError ? categories : product.isError ? product : null;
  let content: ReactNode;
  if (failed) {
    content = <Alert>{errorMessage(t, failed.error)}</Alert>;
  } else if (!categories.data || managed.status === "pending" || (id !== "" && !product.data)) {
    content = <PageLoading />;
  } else {
    content = (
      <ProductForm
        key={product.data?.id ?? "new"}
        managed={managed}
        categories={categories.data}
        initial={id ? (product.data ?? null) : null}
      />
    );
  }
  return (
    <Page title={title} intro={t("manage.productForm.intro")}>
      {content}
    </Page>
  );
}
