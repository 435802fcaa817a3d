// Bundles the panel (Lit included) and its loader into the integration, which hands the
// loader to Home Assistant inline and the panel over the websocket (messages/panel.py).
import { build } from "esbuild";

const common = {
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  legalComments: "eof",
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: ["src/messages-panel.js"],
  outfile: "../custom_components/dinstar/frontend/messages-panel.js",
});
await build({
  ...common,
  entryPoints: ["src/loader.js"],
  outfile: "../custom_components/dinstar/frontend/panel-loader.js",
});
