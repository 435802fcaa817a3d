// Bundles the panel (Lit included) into the integration, where Home Assistant serves it.
import { build } from "esbuild";

await build({
  entryPoints: ["src/messages-panel.js"],
  outfile: "../custom_components/dinstar/frontend/messages-panel.js",
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "eof",
  logLevel: "warning",
});
