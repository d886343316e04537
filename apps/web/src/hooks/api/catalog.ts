import {
  type TProduct,
  type TProductCreate,
  type TProductUpdate,
  type TSupplier,
  ZPickupPointList,
  ZProduct,
  ZProductList,
  ZSupplierList,
} from "@cs/contracts";
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../../lib/api.ts";
import { useViewer } from "./groups.ts";

export const catalogKeys = {
  all: ["catalog"] as const,
  suppliers: (viewer: string) => [...catalogKeys.all, "suppliers", viewer] as const,
  /** The products whose `abilities.update` the viewer holds (how a manager finds their team). */
  mine: (viewer: string) => [...catalogKeys.all, "mine", viewer] as const,
  productLists: () => [...catalogKeys.all, "products"] as const,
  products: (supplierId: string, viewer: string) =>
    [...catalogKeys.productLists(), supplierId, viewer] as const,
  product: (id: string, viewer: string) => [...catalogKeys.all, "product", id, viewer] as const,
  pickupPoints: () => [...catalogKeys.all, "pickup-points"] as const,
};

// Enough for Harare's suppliers many times over; the loop stops at the last page.
const MAX_SUPPLIER_PAGES = 10;

/** `GET /api/v1/suppliers`, every page: each with what the viewer may do to it (`abilities`). */
export function useSuppliers() {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: catalogKeys.suppliers(viewer),
    queryFn: async ({ signal }): Promise<TSupplier[]> => {
      const items: TSupplier[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_SUPPLIER_PAGES; page++) {
        const params = new URLSearchParams({ limit: "100" });
        if (cursor) {
          params.set("cursor", cursor);
        }
        const list = ZSupplierList.parse(
          await api<unknown>(`/api/v1/suppliers?${params}`, { signal }),
        );
        items.push(...list.items);
        cursor = list.nextCursor;
        if (!cursor) {
          break;
        }
      }
      return items;
    },
    enabled: ready,
    staleTime: 5 * 60_000,
  });
}

/** `GET /api/v1/me/suppliers`: the supplier teams the signed-in user is on, whatever their role. */
export function useMySuppliers(enabled: boolean) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: catalogKeys.mine(viewer),
    queryFn: async ({ signal }) =>
      ZSupplierList.pick({ items: true }).parse(
        await api<unknown>("/api/v1/me/suppliers", { signal }),
      ).items,
    enabled: ready && enabled,
    staleTime: 5 * 60_000,
  });
}

/** `GET /api/v1/products?supplierId=…` (all suppliers when empty), inactive ones included. */
export function useSupplierProducts(supplierId: string, enabled = true) {
  const { ready, viewer } = useViewer();
  return useInfiniteQuery({
    queryKey: catalogKeys.products(supplierId, viewer),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: "50" });
      if (supplierId) {
        params.set("supplierId", supplierId);
      }
      if (pageParam) {
        params.set("cursor", pageParam);
      }
      return ZProductList.parse(await api<unknown>(`/api/v1/products?${params}`, { signal }));
    },
    getNextPageParam: (last) => last.nextCursor,
    enabled: ready && enabled,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/products/:id`. */
export function useProduct(id: string) {
  const { ready, viewer } = useViewer();
  return useQuery({
    queryKey: catalogKeys.product(id, viewer),
    queryFn: async ({ signal }) =>
      ZProduct.parse(await api<unknown>(`/api/v1/products/${id}`, { signal })),
    enabled: ready && id !== "",
    staleTime: 30_000,
  });
}

export type SaveProductInput =
  | { id?: undefined; create: TProductCreate; active: boolean }
  | { id: string; patch: TProductUpdate };

/**
 * `POST /api/v1/products` or `PATCH /api/v1/products/:id`. A new product is created active (the
 * create body has no `active`); one saved as inactive is switched off right after.
 */
export function useSaveProduct() {
  const queryClient = useQueryClient();
  const { viewer } = useViewer();
  return useMutation({
    mutationFn: async (input: SaveProductInput): Promise<TProduct> => {
      if (input.id !== undefined) {
        return ZProduct.parse(
          await api<unknown>(`/api/v1/products/${input.id}`, {
            method: "PATCH",
            body: input.patch,
          }),
        );
      }
      const created = ZProduct.parse(
        await api<unknown>("/api/v1/products", { method: "POST", body: input.create }),
      );
      if (input.active) {
        return created;
      }
      return ZProduct.parse(
        await api<unknown>(`/api/v1/products/${created.id}`, {
          method: "PATCH",
          body: { active: false },
        }),
      );
    },
    onSuccess: (product) => {
      queryClient.setQueryData(catalogKeys.product(product.id, viewer), product);
      void queryClient.invalidateQueries({ queryKey: catalogKeys.productLists() });
    },
  });
}

/** `GET /api/v1/pickup-points`: every pickup point of every market. */
export function usePickupPoints() {
  return useQuery({
    queryKey: catalogKeys.pickupPoints(),
    queryFn: async ({ signal }) =>
      ZPickupPointList.parse(await api<unknown>("/api/v1/pickup-points", { signal })).items,
    staleTime: 60 * 60 * 1000,
  });
}
