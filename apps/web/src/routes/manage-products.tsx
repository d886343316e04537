import type { TCategory, TProduct } from "@cs/contracts";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { Alert } from "../components/alert.tsx";
import { Button, buttonClass } from "../components/button.tsx";
import { PencilIcon, PlusIcon, UsersIcon } from "../components/icons.tsx";
import { Page } from "../components/page.tsx";
import { PageLoading } from "../components/page-loading.tsx";
import { categoryName } from "../components/profile-form.tsx";
import { SupplierPicker } from "../components/supplier-picker.tsx";
import { useSupplierProducts } from "../hooks/api/catalog.ts";
import { useCategories } from "../hooks/api/meta.ts";
import { useManagedSupplier } from "../hooks/use-managed-supplier.ts";
import { errorMessage } from "../lib/errors.ts";
import { formatMoney } from "../lib/money.ts";

function ProductCard({
  product,
  categories,
  showSupplier,
}: {
  product: TProduct;
  categories: TCategory[] | undefined;
  showSupplier: boolean;
}) {
  const { t, i18n } = useTranslation();
  const money = (cents: number) => formatMoney(cents, product.currency, i18n.language);
  const category = categories?.find((c) => c.id === product.categoryId);
  const tiers = [...product.tiers].sort((a, b) => a.minQty - b.minQty);
  return (
    <li
      className="flex flex-col gap-3 rounded-2xl bg-white p-4 shadow-sm ring-1 ring-stone-200"
      data-testid="product-card"
      data-product-id={product.id}
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="text-sm font-semibold text-green-800">
            {category ? categoryName(category, i18n.language) : product.categoryId}
          </p>
          <h2 className="text-lg leading-snug font-bold text-stone-900">{product.name}</h2>
          <p className="text-sm text-stone-700">
            {product.unit}
            {showSupplier ? ` · ${product.supplierName}` : ""}
          </p>
        </div>
        <span
          className={`shrink-0 rounded-full px-2.5 py-1 text-xs font-bold ${
            product.active ? "bg-green-700 text-white" : "bg-stone-200 text-stone-900"
          }`}
        >
          {product.active ? t("manage.products.active") : t("manage.products.inactive")}
        </span>
      </div>
      <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-[15px] text-stone-800">
        <span>
          <strong className="text-lg text-stone-900">{money(product.unitPrice)}</strong>{" "}
          {t("groups.perUnit", { unit: product.unit })}
        </span>
        <span>{t("manage.products.stock", { count: product.stock })}</span>
      </p>
      {tiers.length > 0 ? (
        <ol className="flex flex-wrap gap-1.5 text-sm" aria-label={t("manage.productForm.tiers")}>
          {tiers.map((tier) => (
            <li key={tier.minQty} className="rounded-full bg-amber-100 px-2.5 py-1 text-stone-900">
              {t("groups.tierFrom", { count: tier.minQty })}:{" "}
              <strong>{money(tier.unitPrice)}</strong>
            </li>
          ))}
        </ol>
      ) : null}
      <div className="flex flex-col gap-2">
        {product.active && product.abilities.update ? (
          <Link
            to={`/manage/groups/new?product=${product.id}`}
            className={buttonClass("primary", "w-full")}
            data-testid="product-open-group"
          >
            <UsersIcon className="size-5" />
            {t("manage.products.openGroup")}
          </Link>
        ) : null}
        {product.abilities.update ? (
          <Link
            to={`/manage/products/${product.id}`}
            className={buttonClass("secondary", "w-full")}
            data-testid="product-edit"
          >
            <PencilIcon className="size-5" />
            {t("manage.products.edit")}
          </Link>
        ) : null}
      </div>
    </li>
  );
}

/** `/manage/products`: the supplier's products (every supplier's for admins), with "Add". */
export function ManageProductsRoute() {
  const { t } = useTranslation();
  const location = useLocation();
  const saved = (location.state as { saved?: unknown } | null)?.saved;
  const managed = useManagedSupplier();
  // A supplier user whose team the app could not find has no list to ask for (yet).
  const known = managed.admin || managed.supplierId !== "";
  const products = useSupplierProducts(managed.supplierId, managed.status === "success" && known);
  const categories = useCategories();
  const items = products.data?.pages.flatMap((page) => page.items) ?? [];

  let content: ReactNode;
  const failed = managed.status === "error" ? managed : products.isError ? products : null;
  if (failed) {
    content = (
      <div className="flex flex-col gap-3">
        <Alert>
          {t("manage.loadFailed")} {errorMessage(t, failed.error)}
        </Alert>
        <Button
          variant="secondary"
          onClick={() => (failed === managed ? managed.refetch() : void products.refetch())}
        >
          {t("groups.retry")}
        </Button>
      </div>
    );
  } else if (managed.status === "pending" || (known && !products.data)) {
    content = <PageLoading />;
  } else if (items.length === 0) {
    content = (
      <p
        className="rounded-2xl border-2 border-dashed border-stone-300 p-4 text-base text-stone-800"
        data-testid="products-empty"
      >
        {t("manage.products.empty")}
      </p>
    );
  } else {
    content = (
      <>
        <ul
          className={`flex flex-col gap-3 ${products.isPlaceholderData ? "opacity-60" : ""}`}
          data-testid="product-list"
        >
          {items.map((product) => (
            <ProductCard
              key={product.id}
              product={product}
              categories={categories.data}
              showSupplier={managed.admin && managed.supplierId === ""}
            />
          ))}
        </ul>
        {products.hasNextPage ? (
          <Button
            variant="secondary"
            className="w-full"
            busy={products.isFetchingNextPage}
            onClick={() => void products.fetchNextPage()}
          >
            {t("manage.products.loadMore")}
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <Page title={t("manage.products.title")} intro={t("manage.products.intro")}>
      {typeof saved === "string" ? (
        <Alert tone="success">{t("manage.productForm.saved", { name: saved })}</Alert>
      ) : null}
      <SupplierPicker managed={managed} allowAll />
      <Link
        to="/manage/products/new"
        className={buttonClass("accent", "w-full")}
        data-testid="product-add"
      >
        <PlusIcon className="size-5" />
        {t("manage.products.add")}
      </Link>
      {content}
    </Page>
  );
}
