import { type ComponentType, lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { AppShell } from "./components/app-shell.tsx";
import { PageLoading } from "./components/page-loading.tsx";
import { RequireAuth } from "./components/require-auth.tsx";
import { loadStaffTexts } from "./i18n/index.ts";
import { LandingRoute } from "./routes/landing.tsx";

/** React.lazy for a named export. */
/**
 * A lazily loaded screen. A chunk that fails to arrive (a dropped mobile connection, a service
 * worker busy installing) is asked for again after a second; if that fails too the page reloads
 * once, which also picks up a new build whose chunk names changed.
 */
function lazyNamed<M>(load: () => Promise<M>, pick: (module: M) => ComponentType) {
  return lazy(async () => {
    try {
      const module = await load();
      sessionStorage.removeItem(RELOADED_FOR_CHUNK);
      return { default: pick(module) };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      try {
        return { default: pick(await load()) };
      } catch (error) {
        if (!sessionStorage.getItem(RELOADED_FOR_CHUNK)) {
          sessionStorage.setItem(RELOADED_FOR_CHUNK, "1");
          window.location.reload();
        }
        throw error;
      }
    }
  });
}
const RELOADED_FOR_CHUNK = "cs:reloaded-for-chunk";

/** A staff area's chunk, once the staff texts are there too (or could not be had: offline). */
async function withStaffTexts<M>(chunk: Promise<M>): Promise<M> {
  const [module] = await Promise.all([chunk, loadStaffTexts().catch(() => undefined)]);
  return module;
}

// Everything but the landing page is split out, so its first download stays small on 2G/3G.
const QueryLayout = lazyNamed(
  () => import("./components/query-layout.tsx"),
  (m) => m.QueryLayout,
);
const RegisterRoute = lazyNamed(
  () => import("./routes/register.tsx"),
  (m) => m.RegisterRoute,
);
const LoginRoute = lazyNamed(
  () => import("./routes/login.tsx"),
  (m) => m.LoginRoute,
);
const ResetRoute = lazyNamed(
  () => import("./routes/reset.tsx"),
  (m) => m.ResetRoute,
);
const VerifyRoute = lazyNamed(
  () => import("./routes/verify.tsx"),
  (m) => m.VerifyRoute,
);
const OnboardingRoute = lazyNamed(
  () => import("./routes/onboarding.tsx"),
  (m) => m.OnboardingRoute,
);
const ProfileRoute = lazyNamed(
  () => import("./routes/onboarding.tsx"),
  (m) => m.ProfileRoute,
);
const DashboardRoute = lazyNamed(
  () => import("./routes/dashboard.tsx"),
  (m) => m.DashboardRoute,
);
const GroupsRoute = lazyNamed(
  () => import("./routes/groups.tsx"),
  (m) => m.GroupsRoute,
);
const GroupDetailRoute = lazyNamed(
  () => import("./routes/group-detail.tsx"),
  (m) => m.GroupDetailRoute,
);
const MyGroupsRoute = lazyNamed(
  () => import("./routes/my-groups.tsx"),
  (m) => m.MyGroupsRoute,
);
const PaymentHistoryRoute = lazyNamed(
  () => import("./routes/payments.tsx"),
  (m) => m.PaymentHistoryRoute,
);
const ReceiptRoute = lazyNamed(
  () => import("./routes/payments.tsx"),
  (m) => m.ReceiptRoute,
);
const MyPickupsRoute = lazyNamed(
  () => import("./routes/my-pickups.tsx"),
  (m) => m.MyPickupsRoute,
);
// The pickup agent's section: its own chunks, with the QR decoder loaded only on "Scan".
const PickupLayout = lazyNamed(
  () => withStaffTexts(import("./components/pickup-layout.tsx")),
  (m) => m.PickupLayout,
);
const PickupHandoverRoute = lazyNamed(
  () => import("./routes/pickup-handover.tsx"),
  (m) => m.PickupHandoverRoute,
);
const PickupDeliveriesRoute = lazyNamed(
  () => import("./routes/pickup-deliveries.tsx"),
  (m) => m.PickupDeliveriesRoute,
);
// The Manage area (suppliers and admins) is its own set of chunks: traders never download it.
const ManageLayout = lazyNamed(
  () => withStaffTexts(import("./components/manage-layout.tsx")),
  (m) => m.ManageLayout,
);
const ManageHomeRoute = lazyNamed(
  () => import("./routes/manage-home.tsx"),
  (m) => m.ManageHomeRoute,
);
const ManageProductsRoute = lazyNamed(
  () => import("./routes/manage-products.tsx"),
  (m) => m.ManageProductsRoute,
);
const ProductFormRoute = lazyNamed(
  () => import("./routes/manage-product-form.tsx"),
  (m) => m.ProductFormRoute,
);
const ManageGroupsRoute = lazyNamed(
  () => import("./routes/manage-groups.tsx"),
  (m) => m.ManageGroupsRoute,
);
const NewGroupRoute = lazyNamed(
  () => import("./routes/manage-group-new.tsx"),
  (m) => m.NewGroupRoute,
);
const ManageRequestsRoute = lazyNamed(
  () => import("./routes/manage-requests.tsx"),
  (m) => m.ManageRequestsRoute,
);
const ExchangeRateRoute = lazyNamed(
  () => import("./routes/manage-rate.tsx"),
  (m) => m.ExchangeRateRoute,
);
const ManageOrdersRoute = lazyNamed(
  () => import("./routes/manage-orders.tsx"),
  (m) => m.ManageOrdersRoute,
);
const ManageOrderRoute = lazyNamed(
  () => import("./routes/manage-order.tsx"),
  (m) => m.ManageOrderRoute,
);
const ManagePayablesRoute = lazyNamed(
  () => import("./routes/manage-payables.tsx"),
  (m) => m.ManagePayablesRoute,
);
const ManagePayoutsRoute = lazyNamed(
  () => import("./routes/manage-payouts.tsx"),
  (m) => m.ManagePayoutsRoute,
);
const ManageDisputesRoute = lazyNamed(
  () => import("./routes/manage-disputes.tsx"),
  (m) => m.ManageDisputesRoute,
);
const ManageRecommendationsRoute = lazyNamed(
  () => import("./routes/manage-recommendations.tsx"),
  (m) => m.ManageRecommendationsRoute,
);
// The notification centre, preferences and the admins' unsent messages: their own chunks.
const NotificationsRoute = lazyNamed(
  () => import("./routes/notifications.tsx"),
  (m) => m.NotificationsRoute,
);
const NotificationPreferencesRoute = lazyNamed(
  () => import("./routes/notification-preferences.tsx"),
  (m) => m.NotificationPreferencesRoute,
);
const ManageNotificationsRoute = lazyNamed(
  () => import("./routes/manage-notifications.tsx"),
  (m) => m.ManageNotificationsRoute,
);
const NotFoundRoute = lazyNamed(
  () => import("./routes/not-found.tsx"),
  (m) => m.NotFoundRoute,
);

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<AppShell />}>
          <Route index element={<LandingRoute />} />
          <Route
            element={
              <Suspense fallback={<PageLoading />}>
                <QueryLayout />
              </Suspense>
            }
          >
            <Route path="register" element={<RegisterRoute />} />
            <Route path="login" element={<LoginRoute />} />
            <Route path="reset" element={<ResetRoute />} />
            <Route path="groups" element={<GroupsRoute />} />
            <Route path="groups/:id" element={<GroupDetailRoute />} />
            <Route element={<RequireAuth />}>
              <Route path="verify" element={<VerifyRoute />} />
            </Route>
            <Route element={<RequireAuth verified />}>
              <Route path="onboarding" element={<OnboardingRoute />} />
              <Route path="profile" element={<ProfileRoute />} />
              <Route path="dashboard" element={<DashboardRoute />} />
              <Route path="my-groups" element={<MyGroupsRoute />} />
              <Route path="my-pickups" element={<MyPickupsRoute />} />
              <Route path="payments" element={<PaymentHistoryRoute />} />
              <Route path="notifications" element={<NotificationsRoute />} />
              <Route path="notifications/preferences" element={<NotificationPreferencesRoute />} />
              <Route path="payments/:id/receipt" element={<ReceiptRoute />} />
              <Route path="pickup" element={<PickupLayout />}>
                <Route index element={<PickupHandoverRoute />} />
                <Route path="deliveries" element={<PickupDeliveriesRoute />} />
              </Route>
              <Route path="manage" element={<ManageLayout />}>
                <Route index element={<ManageHomeRoute />} />
                <Route path="products" element={<ManageProductsRoute />} />
                <Route path="products/new" element={<ProductFormRoute />} />
                <Route path="products/:id" element={<ProductFormRoute />} />
                <Route path="groups" element={<ManageGroupsRoute />} />
                <Route path="groups/new" element={<NewGroupRoute />} />
                <Route path="requests" element={<ManageRequestsRoute />} />
                <Route path="rate" element={<ExchangeRateRoute />} />
                <Route path="orders" element={<ManageOrdersRoute />} />
                <Route path="orders/:id" element={<ManageOrderRoute />} />
                <Route path="payables" element={<ManagePayablesRoute />} />
                <Route path="payouts" element={<ManagePayoutsRoute />} />
                <Route path="disputes" element={<ManageDisputesRoute />} />
                <Route path="recommendations" element={<ManageRecommendationsRoute />} />
                <Route path="notifications" element={<ManageNotificationsRoute />} />
              </Route>
            </Route>
            <Route path="*" element={<NotFoundRoute />} />
          </Route>
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
