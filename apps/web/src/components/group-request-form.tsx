import { type TCategory, type TMarket, ZCreateGroupRequestByTrader } from "@cs/contracts";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { myProfileQuery, useMyProfile } from "../hooks/api/profile.ts";
import { useCreateGroupRequest } from "../hooks/api/requests.ts";
import { errorMessage, fieldErrors, issuesToFieldErrors, shownBeside } from "../lib/errors.ts";
import { useSession } from "../stores/session.ts";
import { Alert } from "./alert.tsx";
import { Button, buttonClass } from "./button.tsx";
import { InboxIcon } from "./icons.tsx";
import { categoryName } from "./profile-form.tsx";
import { SelectField } from "./select-field.tsx";
import { TextField } from "./text-field.tsx";
import { TextAreaField } from "./textarea-field.tsx";

const FIELD_MESSAGES: Record<string, string> = {
  categoryId: "requests.errors.category",
  marketId: "requests.errors.market",
  description: "requests.errors.description",
  quantity: "requests.errors.quantity",
};

type FormProps = {
  categories: TCategory[];
  markets: TMarket[];
  defaultCategory: string;
  defaultMarket: string;
  onSent: () => void;
  onCancel: () => void;
};

function RequestForm({
  categories,
  markets,
  defaultCategory,
  defaultMarket,
  onSent,
  onCancel,
}: FormProps) {
  const { t, i18n } = useTranslation();
  const create = useCreateGroupRequest();
  // The trader's own market (from onboarding, usually cached by now) when no filter names one.
  const profile = useMyProfile();
  const [categoryId, setCategoryId] = useState(defaultCategory);
  const [marketId, setMarketId] = useState(defaultMarket || profile.data?.marketId || "");
  const ownMarket = profile.data?.marketId;
  useEffect(() => {
    if (ownMarket) {
      setMarketId((chosen) => chosen || ownMarket);
    }
  }, [ownMarket]);
  const [description, setDescription] = useState("");
  const [quantity, setQuantity] = useState("");
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const errors = { ...fieldErrors(t, create.error, FIELD_MESSAGES), ...localErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = {
      categoryId,
      marketId,
      description,
      quantity: /^\d{1,6}$/.test(quantity.trim()) ? Number(quantity.trim()) : 0,
    };
    const parsed = ZCreateGroupRequestByTrader.safeParse(input);
    const found = parsed.success ? {} : issuesToFieldErrors(t, parsed.error.issues, FIELD_MESSAGES);
    setLocalErrors(found);
    if (!parsed.success) {
      return;
    }
    create.mutate({ ...input, description: parsed.data.description }, { onSuccess: onSent });
  }

  return (
    <form className="flex flex-col gap-4" onSubmit={onSubmit} noValidate data-testid="request-form">
      <SelectField
        label={t("requests.category")}
        name="categoryId"
        value={categoryId}
        onChange={(event) => setCategoryId(event.target.value)}
        error={errors.categoryId}
        empty={{ label: t("requests.categoryPlaceholder") }}
        options={categories.map((category) => ({
          value: category.id,
          label: categoryName(category, i18n.language),
        }))}
      />
      <SelectField
        label={t("requests.market")}
        name="marketId"
        value={marketId}
        onChange={(event) => setMarketId(event.target.value)}
        error={errors.marketId}
        empty={{ label: t("profile.marketPlaceholder") }}
        options={markets.map((market) => ({ value: market.id, label: market.name }))}
      />
      <TextAreaField
        label={t("requests.description")}
        hint={t("requests.descriptionHint")}
        name="description"
        maxLength={500}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.description}
      />
      <TextField
        label={t("requests.quantity")}
        name="quantity"
        inputMode="numeric"
        pattern="[0-9]*"
        maxLength={6}
        placeholder="20"
        value={quantity}
        onChange={(event) => setQuantity(event.target.value.replace(/\D/g, ""))}
        error={errors.quantity}
      />
      {create.isError && !shownBeside(create.error, FIELD_MESSAGES) ? (
        <Alert>{errorMessage(t, create.error)}</Alert>
      ) : null}
      <Button type="submit" className="w-full" busy={create.isPending} data-testid="request-submit">
        {t("requests.submit")}
      </Button>
      <Button variant="ghost" className="w-full" onClick={onCancel}>
        {t("profile.cancel")}
      </Button>
    </form>
  );
}

type GroupRequestBoxProps = {
  categories: TCategory[] | undefined;
  markets: TMarket[] | undefined;
  /** The browse page's filters, to start the form with. */
  category: string;
  market: string;
};

/**
 * "Can't find what you need? Ask for a group": a trader's request to suppliers, under the browse
 * results. Signed-out visitors get the way to log in; other accounts see nothing.
 */
export function GroupRequestBox({ categories, markets, category, market }: GroupRequestBoxProps) {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const user = useSession((s) => s.user);
  const trader = status === "authenticated" && user?.role === "trader";
  // Ask for the trader's market now, so the form opens with it (only traders have a profile).
  useQuery({ ...myProfileQuery(user?.id ?? ""), enabled: trader });
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState(false);
  if (status === "unknown" || (status === "authenticated" && !trader)) {
    return null;
  }
  return (
    <section
      className="flex flex-col gap-3 rounded-2xl border-2 border-dashed border-green-700/40 bg-white p-4"
      aria-labelledby="ask-title"
      data-testid="ask-for-group"
    >
      <h2 id="ask-title" className="flex items-center gap-2 text-lg font-bold text-stone-900">
        <InboxIcon className="size-6 shrink-0 text-green-800" />
        {t("requests.askTitle")}
      </h2>
      {sent ? (
        <Alert tone="success">
          <p data-testid="request-sent">{t("requests.sent")}</p>
          <Link
            to="/my-groups"
            className="mt-1 inline-flex min-h-11 items-center font-semibold underline underline-offset-4"
          >
            {t("requests.follow")}
          </Link>
        </Alert>
      ) : null}
      {!trader ? (
        <>
          <p className="text-[15px] text-stone-700">{t("requests.askBody")}</p>
          <Link
            to={`/login?next=${encodeURIComponent("/groups")}`}
            className={buttonClass("secondary", "w-full")}
          >
            {t("requests.signIn")}
          </Link>
        </>
      ) : open && categories && markets ? (
        <RequestForm
          categories={categories}
          markets={markets}
          defaultCategory={category}
          defaultMarket={market}
          onSent={() => {
            setSent(true);
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <>
          <p className="text-[15px] text-stone-700">{t("requests.askBody")}</p>
          <Button
            variant="secondary"
            className="w-full"
            data-testid="ask-open"
            onClick={() => {
              setSent(false);
              setOpen(true);
            }}
          >
            {t("requests.askOpen")}
          </Button>
        </>
      )}
    </section>
  );
}
