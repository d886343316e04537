import type { TCurrency, TPayoutDestination } from "@cs/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSetPayoutDestination } from "../hooks/api/payouts.ts";
import { errorMessage, fieldErrors, shownBeside } from "../lib/errors.ts";
import { Alert } from "./alert.tsx";
import { Button } from "./button.tsx";
import { ChoiceGroup, RadioChip } from "./chip.tsx";
import { TextField } from "./text-field.tsx";

const FIELD_MESSAGES = {
  bankCode: "manage.payouts.account.bankCodeInvalid",
  bankName: "manage.payouts.account.nameInvalid",
  accountNumber: "manage.payouts.account.numberInvalid",
  accountName: "manage.payouts.account.nameInvalid",
};

type Kind = TPayoutDestination["kind"];

/** The supplier owner's form for where they are paid in one currency: a bank or a wallet. */
export function PayoutAccountForm({
  supplierId,
  currency,
  current,
  onDone,
}: {
  supplierId: string;
  currency: TCurrency;
  current: TPayoutDestination | undefined;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const save = useSetPayoutDestination(supplierId);
  const [kind, setKind] = useState<Kind>(current?.kind ?? "mobile_money");
  const [bankName, setBankName] = useState(current?.bankName ?? "");
  const [bankCode, setBankCode] = useState(current?.kind === "bank" ? current.bankCode : "");
  const [accountNumber, setAccountNumber] = useState(current?.accountNumber ?? "");
  const [accountName, setAccountName] = useState(current?.accountName ?? "");
  const errors = fieldErrors(t, save.error, FIELD_MESSAGES);

  function submit(event: FormEvent) {
    event.preventDefault();
    const common = {
      currency,
      bankName: bankName.trim(),
      accountNumber: accountNumber.replace(/\s/g, ""),
      accountName: accountName.trim(),
    };
    save.mutate(
      kind === "bank"
        ? { ...common, kind, bankCode: bankCode.trim().toUpperCase() }
        : { ...common, kind },
      { onSuccess: onDone },
    );
  }

  return (
    <form
      onSubmit={submit}
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 ring-1 ring-stone-200"
      data-testid={`payout-account-form-${currency}`}
      noValidate
    >
      <ChoiceGroup legend={t("manage.payouts.account.kind")}>
        {(["mobile_money", "bank"] as const).map((value) => (
          <RadioChip
            key={value}
            name={`kind-${currency}`}
            value={value}
            checked={kind === value}
            onChange={() => setKind(value)}
          >
            {t(`manage.payouts.account.kinds.${value}`)}
          </RadioChip>
        ))}
      </ChoiceGroup>
      <TextField
        label={t(
          kind === "bank" ? "manage.payouts.account.bankName" : "manage.payouts.account.network",
        )}
        name="bankName"
        value={bankName}
        maxLength={80}
        onChange={(event) => setBankName(event.target.value)}
        error={errors.bankName}
      />
      {kind === "bank" ? (
        <TextField
          label={t("manage.payouts.account.bankCode")}
          hint={t("manage.payouts.account.bankCodeHint")}
          name="bankCode"
          value={bankCode}
          maxLength={12}
          autoCapitalize="characters"
          onChange={(event) => setBankCode(event.target.value)}
          error={errors.bankCode}
        />
      ) : null}
      <TextField
        label={t(
          kind === "bank"
            ? "manage.payouts.account.accountNumber"
            : "manage.payouts.account.walletNumber",
        )}
        name="accountNumber"
        inputMode="numeric"
        value={accountNumber}
        maxLength={24}
        onChange={(event) => setAccountNumber(event.target.value)}
        error={errors.accountNumber}
      />
      <TextField
        label={t("manage.payouts.account.accountName")}
        name="accountName"
        value={accountName}
        maxLength={120}
        onChange={(event) => setAccountName(event.target.value)}
        error={errors.accountName}
      />
      {save.isError && !shownBeside(save.error, FIELD_MESSAGES) ? (
        <Alert>{errorMessage(t, save.error)}</Alert>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" busy={save.isPending} className="flex-1">
          {t("manage.payouts.account.save")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("manage.payouts.cancel")}
        </Button>
      </div>
    </form>
  );
}
