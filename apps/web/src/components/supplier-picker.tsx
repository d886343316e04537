import { useTranslation } from "react-i18next";
import type { ManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { SelectField } from "./select-field.tsx";

type SupplierPickerProps = {
  managed: ManagedSupplier;
  /** Offer "All suppliers" (admins' lists); forms need one supplier. */
  allowAll?: boolean;
};

/** The supplier select of the Manage area: for admins, and for users on several teams. */
export function SupplierPicker({ managed, allowAll = false }: SupplierPickerProps) {
  const { t } = useTranslation();
  if (!managed.admin && managed.choices.length < 2) {
    return null;
  }
  return (
    <SelectField
      label={t("manage.supplier")}
      name="supplier"
      value={managed.supplierId}
      onChange={(event) => managed.pick(event.target.value)}
      data-testid="supplier-picker"
    >
      {managed.admin && allowAll ? (
        <option value="">{t("manage.allSuppliers")}</option>
      ) : (
        <option value="" disabled>
          {t("manage.supplierPlaceholder")}
        </option>
      )}
      {managed.choices.map((choice) => (
        <option key={choice.id} value={choice.id}>
          {choice.name}
        </option>
      ))}
    </SelectField>
  );
}
