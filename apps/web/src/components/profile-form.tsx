import {
  BUSINESS_TYPES,
  GROUP_SIZES,
  PURCHASE_FREQUENCIES,
  type TCategory,
  type TMarket,
  type TTraderProfile,
  ZTraderProfileInput,
} from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSaveProfile } from "../hooks/api/profile.ts";
import { currentLanguage } from "../i18n/index.ts";
import { errorMessage, fieldErrors, issuesToFieldErrors } from "../lib/errors.ts";
import { centsToDollarInput, dollarsToCents } from "../lib/money.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { Chip, ChoiceGroup, RadioChip } from "./chip.tsx";
import { SelectField } from "./select-field.tsx";
import { TextField } from "./text-field.tsx";

type GroupSize = (typeof GROUP_SIZES)[number];

const FIELD_MESSAGES: Record<string, string> = {
  categories: "profile.errors.categories",
  budgetMin: "profile.errors.budget",
  budgetMax: "profile.errors.budget",
  marketId: "profile.errors.market",
  groupSizes: "profile.errors.groupSizes",
  purchaseFrequency: "profile.errors.frequency",
  businessType: "profile.errors.businessType",
  experienceYears: "profile.errors.experience",
};

/** A category's name in the UI language, falling back to English. */
export function categoryName(category: TCategory, language: string): string {
  const names: Record<string, string> = category.name;
  return names[language] ?? category.name.en;
}

type ProfileFormProps = {
  markets: TMarket[];
  categories: TCategory[];
  initial: TTraderProfile | null;
  submitLabel: string;
  onSaved: () => void;
  onCancel?: () => void;
};

/** The trader's preferences, used for onboarding and for editing later. */
export function ProfileForm({
  markets,
  categories,
  initial,
  submitLabel,
  onSaved,
  onCancel,
}: ProfileFormProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language || currentLanguage();
  const save = useSaveProfile();
  const [chosen, setChosen] = useState<string[]>(initial?.categories ?? []);
  const [budgetMin, setBudgetMin] = useState(initial ? centsToDollarInput(initial.budgetMin) : "");
  const [budgetMax, setBudgetMax] = useState(initial ? centsToDollarInput(initial.budgetMax) : "");
  const [marketId, setMarketId] = useState(initial?.marketId ?? "");
  const [groupSizes, setGroupSizes] = useState<GroupSize[]>(initial?.groupSizes ?? []);
  const [frequency, setFrequency] = useState<string>(initial?.purchaseFrequency ?? "");
  const [businessType, setBusinessType] = useState<string>(initial?.businessType ?? "");
  const [experience, setExperience] = useState(initial ? String(initial.experienceYears) : "");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});

  const errors = { ...fieldErrors(t, save.error, FIELD_MESSAGES), ...localErrors };

  function toggle<T>(list: T[], item: T): T[] {
    return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const min = dollarsToCents(budgetMin);
    const max = dollarsToCents(budgetMax);
    const years = /^\d{1,2}$/.test(experience.trim()) ? Number(experience.trim()) : Number.NaN;
    const input = {
      categories: chosen,
      budgetMin: min ?? -1,
      budgetMax: max ?? -1,
      budgetCurrency: "USD" as const,
      marketId,
      groupSizes,
      purchaseFrequency: frequency,
      businessType,
      experienceYears: years,
    };
    const parsed = ZTraderProfileInput.safeParse(input);
    const found: Record<string, string> = parsed.success
      ? {}
      : issuesToFieldErrors(t, parsed.error.issues, FIELD_MESSAGES);
    if (min === null || max === null) {
      found.budgetMin = t("profile.errors.budget");
    } else if (max < min) {
      found.budgetMin = t("profile.errors.budgetOrder");
    }
    delete found.budgetMax;
    setLocalErrors(found);
    if (!parsed.success || Object.keys(found).length > 0) {
      return;
    }
    save.mutate(parsed.data, { onSuccess: onSaved });
  }

  const budgetError = errors.budgetMin ?? errors.budgetMax;
  const hasFieldErrors = Object.keys(errors).length > 0;

  return (
    <form className="flex flex-col gap-6" onSubmit={onSubmit} noValidate>
      <ChoiceGroup
        legend={t("profile.categories")}
        hint={t("profile.categoriesHint")}
        error={errors.categories}
      >
        {categories.map((category) => (
          <Chip
            key={category.id}
            testId={`category-${category.id}`}
            selected={chosen.includes(category.id)}
            onToggle={() => setChosen((list) => toggle(list, category.id))}
          >
            {categoryName(category, language)}
          </Chip>
        ))}
      </ChoiceGroup>

      <fieldset className="flex flex-col gap-2">
        <legend className="mb-1 text-[15px] font-semibold text-stone-900">
          {t("profile.budget")}
        </legend>
        <div className="grid grid-cols-2 gap-3">
          <TextField
            label={t("profile.budgetMin")}
            name="budgetMin"
            inputMode="decimal"
            placeholder="20"
            leading="$"
            value={budgetMin}
            onChange={(e) => setBudgetMin(e.target.value)}
            aria-invalid={budgetError ? true : undefined}
          />
          <TextField
            label={t("profile.budgetMax")}
            name="budgetMax"
            inputMode="decimal"
            placeholder="200"
            leading="$"
            value={budgetMax}
            onChange={(e) => setBudgetMax(e.target.value)}
            aria-invalid={budgetError ? true : undefined}
          />
        </div>
        {budgetError ? (
          <p className="text-sm font-semibold text-red-800" role="alert" data-field-error>
            {budgetError}
          </p>
        ) : null}
      </fieldset>

      <SelectField
        label={t("profile.market")}
        name="marketId"
        value={marketId}
        onChange={(e) => setMarketId(e.target.value)}
        error={errors.marketId}
        empty={{ label: t("profile.marketPlaceholder") }}
        options={markets.map((market) => ({
          value: market.id,
          label: market.name === market.area ? market.name : `${market.name} (${market.area})`,
        }))}
      />

      <ChoiceGroup
        legend={t("profile.groupSizes")}
        hint={t("profile.groupSizesHint")}
        error={errors.groupSizes}
      >
        {GROUP_SIZES.map((size) => (
          <Chip
            key={size}
            testId={`group-size-${size}`}
            selected={groupSizes.includes(size)}
            onToggle={() => setGroupSizes((list) => toggle(list, size))}
          >
            {t(`profile.groupSize.${size}`)}
            <span className="block text-xs font-normal opacity-90">
              {t(`profile.groupSizeDetail.${size}`)}
            </span>
          </Chip>
        ))}
      </ChoiceGroup>

      <ChoiceGroup legend={t("profile.frequency")} error={errors.purchaseFrequency}>
        {PURCHASE_FREQUENCIES.map((value) => (
          <RadioChip
            key={value}
            name="purchaseFrequency"
            value={value}
            testId={`frequency-${value}`}
            checked={frequency === value}
            onChange={setFrequency}
          >
            {t(`profile.frequencies.${value}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>

      <SelectField
        label={t("profile.businessType")}
        name="businessType"
        value={businessType}
        onChange={(e) => setBusinessType(e.target.value)}
        error={errors.businessType}
        empty={{ label: t("profile.businessTypePlaceholder") }}
        options={BUSINESS_TYPES.map((value) => ({
          value: value,
          label: t(`profile.businessTypes.${value}`),
        }))}
      />

      <TextField
        label={t("profile.experience")}
        name="experienceYears"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={2}
        placeholder="3"
        value={experience}
        onChange={(e) => setExperience(e.target.value.replace(/\D/g, ""))}
        error={errors.experienceYears}
      />

      {save.isError ? <Alert>{errorMessage(t, save.error)}</Alert> : null}
      {hasFieldErrors && !save.isError ? <Alert>{t("errors.validation_failed")}</Alert> : null}

      <div className="flex flex-col gap-3">
        <Button type="submit" busy={save.isPending} className="w-full" data-testid="profile-submit">
          {submitLabel}
        </Button>
        {onCancel ? (
          <Button variant="secondary" className="w-full" onClick={onCancel}>
            {t("profile.cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
}
