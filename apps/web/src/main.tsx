import "./index.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.tsx";
import { initI18n } from "./i18n/index.ts";
import { restoreSession } from "./lib/auth-session.ts";

const rootElement = document.getElementById("root");
if (!rootElement) {
  throw new Error("#root is missing from index.html");
}
const root = createRoot(rootElement);

// Start the session refresh and the language load together; render once the language is ready,
// so Shona and Ndebele speakers never see an English flash.
void restoreSession();
void initI18n().then(() => {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
