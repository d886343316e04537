import { useMemo } from "react";
import { create } from "zustand";
import { isManagingAdmin } from "../lib/roles.ts";
import { useSession } from "../stores/session.ts";
import { useMySuppliers, useSuppliers } from "./api/catalog.ts";

export type SupplierChoice = { id: string; name: string };

/** The supplier picked in the Manage area, kept while moving between its pages. */
const usePicked = create<{ supplierId: string | null; pick: (id: string) => void }>()((set) => ({
  supplierId: null,
  pick: (supplierId) => set({ supplierId }),
}));

export type ManagedSupplier = {
  status: "pending" | "error" | "success";
  error: unknown;
  refetch: () => void;
  admin: boolean;
  /** What the picker offers: every supplier for admins, the viewer's own teams otherwise. */
  choices: SupplierChoice[];
  /**
   * The supplier being worked on. `""` means every supplier (admins), or, for a supplier user,
   * a team the app could not find (the server still knows it: creating without a supplier works).
   */
  supplierId: string;
  pick: (id: string) => void;
};

/** Which supplier the Manage screens work on. Admins pick any (or all); a supplier user works on their own team. */
export function useManagedSupplier(): ManagedSupplier {
  const user = useSession((s) => s.user);
  const admin = isManagingAdmin(user);
  const picked = usePicked((s) => s.supplierId);
  const pick = usePicked((s) => s.pick);
  const suppliers = useSuppliers();
  const mine = useMySuppliers(!admin);
  const source = admin ? suppliers : mine;
  const choices = useMemo(
    (): SupplierChoice[] => (source.data ?? []).map((s) => ({ id: s.id, name: s.businessName })),
    [source.data],
  );

  const pending = source.isPending;
  const failed = source.isError ? source : null;
  const valid = picked !== null && (picked === "" ? admin : choices.some((c) => c.id === picked));
  const supplierId = valid ? picked : admin ? "" : (choices[0]?.id ?? "");
  return {
    status: failed ? "error" : pending ? "pending" : "success",
    error: failed?.error ?? null,
    refetch: () => {
      void source.refetch();
    },
    admin,
    choices,
    supplierId,
    pick,
  };
}
