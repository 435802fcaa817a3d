// What the Messages panel's registration carries, inline: Home Assistant loads a custom
// panel's module by its address, and any address a browser can load without a session is one
// anyone on the network can load. So this small module asks for the panel itself over the
// websocket of the signed-in user who opened it (the same access as the panel's data) and runs
// it from memory. The element Home Assistant creates is this one; it hands what it is given
// (hass, narrow, route, panel) to the panel inside.
const PANEL = "dinstar-messages-app";
let loading;

const loadPanel = (hass) => {
  loading ??= (async () => {
    const { script } = await hass.callWS({ type: "dinstar/messages/panel_script" });
    const url = URL.createObjectURL(new Blob([script], { type: "text/javascript" }));
    try {
      await import(url);
    } finally {
      URL.revokeObjectURL(url);
    }
  })().catch((error) => {
    loading = undefined; // opened again, it asks again
    throw error;
  });
  return loading;
};

class MessagesPanelLoader extends HTMLElement {
  #given = {};
  #panel;
  #asked = false;

  set hass(value) {
    this.#give("hass", value);
    if (!this.#asked) {
      this.#asked = true;
      this.style.display = "block";
      this.style.height = "100%";
      loadPanel(value).then(
        () => this.#show(),
        (error) => {
          this.#asked = false;
          this.textContent = `The Messages panel could not be loaded: ${error.message ?? error}`;
        },
      );
    }
  }

  set narrow(value) {
    this.#give("narrow", value);
  }

  set route(value) {
    this.#give("route", value);
  }

  set panel(value) {
    this.#give("panel", value);
  }

  #give(name, value) {
    this.#given[name] = value;
    if (this.#panel) this.#panel[name] = value;
  }

  #show() {
    this.#panel = document.createElement(PANEL);
    Object.assign(this.#panel, this.#given);
    this.replaceChildren(this.#panel);
  }
}

customElements.define("dinstar-messages-panel", MessagesPanelLoader);
