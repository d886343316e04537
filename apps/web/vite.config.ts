import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

const API_TARGET = "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: "script-defer",
      manifest: {
        name: "ConnectSphere",
        short_name: "ConnectSphere",
        description:
          "Buy in bulk together with other traders. Money held safely until the group is complete.",
        theme_color: "#166534",
        background_color: "#fffbeb",
        start_url: "/",
        scope: "/",
        display: "standalone",
        orientation: "portrait",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          {
            src: "/icons/maskable-512.png",
            sizes: "512x512",
            type: "image/png",
            purpose: "maskable",
          },
        ],
      },
      workbox: {
        globPatterns: ["**/*.{js,css,html,svg}"],
        navigateFallback: "/index.html",
        // The sandbox checkout is the payment provider's own page, served by the server: a
        // navigation there must reach the network, not get the app shell from the cache.
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/dev(\/|$)/, /^\/sandbox(\/|$)/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: {
    proxy: {
      "/api": { target: API_TARGET, changeOrigin: false },
      "/dev": { target: API_TARGET, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist",
    target: "es2020",
    sourcemap: false,
  },
});
