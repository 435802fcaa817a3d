// The Messages panel: threads on one side, the open thread and its reply box on the other
// (one at a time on a phone). Home Assistant gives it `hass`, `narrow`, `route` and `panel`;
// everything comes from the integration's websocket commands, live through a subscription.
import { LitElement, css, html, nothing } from "lit";

import { listThreads, markRead, sendSms, subscribeMessages, threadPage } from "./api.js";
import "./message-list.js";
import { LIMITS, planSms } from "./sms-plan.js";

const STATUS = {
  queued: "Queued",
  sent: "Sent",
  failed: "Failed: the gateway could not send it",
  delivered: "Delivered",
};

class MessagesPanel extends LitElement {
  static properties = {
    hass: { attribute: false },
    narrow: { type: Boolean },
    route: { attribute: false },
    panel: { attribute: false },
    _threads: { state: true },
    _unread: { state: true },
    _gateways: { state: true },
    _contacts: { state: true },
    _filter: { state: true },
    _search: { state: true },
    _open: { state: true },
    _messages: { state: true },
    _before: { state: true },
    _loadingOlder: { state: true },
    _from: { state: true },
    _to: { state: true },
    _draft: { state: true },
    _sending: { state: true },
    _error: { state: true },
  };

  constructor() {
    super();
    this._threads = [];
    this._unread = 0;
    this._gateways = [];
    this._contacts = [];
    this._filter = {};
    this._search = "";
    this._open = null; // a thread key, "" for a new message, null for none
    this._messages = [];
    this._before = null;
    this._draft = "";
    this._to = "";
    this._error = "";
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.hass) this._start();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this._unsubscribe?.then((unsubscribe) => unsubscribe());
    this._unsubscribe = undefined;
  }

  willUpdate(changed) {
    if (changed.has("hass") && this.hass && !this._unsubscribe) this._start();
  }

  _start() {
    this._unsubscribe = subscribeMessages(this.hass, (update) => this._update(update));
    this._loadThreads();
  }

  async _loadThreads() {
    const filters = { ...this._filter, ...(this._search ? { search: this._search } : {}) };
    const answer = await listThreads(this.hass, filters);
    this._threads = answer.threads;
    this._unread = answer.unread;
    this._gateways = answer.gateways;
    this._contacts = answer.contacts;
  }

  _update(update) {
    this._unread = update.unread;
    if (update.message) {
      const message = update.message;
      if (message.thread === this._open) {
        const index = this._messages.findIndex((known) => known.id === message.id);
        this._messages =
          index === -1
            ? [...this._messages, message]
            : this._messages.map((known) => (known.id === message.id ? message : known));
        if (message.kind !== "sent" && document.visibilityState === "visible") {
          markRead(this.hass, message.thread, message.id);
        }
      }
    }
    clearTimeout(this._reload);
    this._reload = setTimeout(() => this._loadThreads(), 150);
  }

  async _openThread(thread) {
    this._open = thread;
    this._messages = [];
    this._before = null;
    this._error = "";
    const page = await threadPage(this.hass, thread, null, this._filter);
    if (this._open !== thread) return;
    this._messages = page.messages;
    this._before = page.before;
    this._from = this._replyFrom(page.messages);
    await this.updateComplete;
    this.renderRoot.querySelector("dinstar-message-list")?.toBottom();
    this.renderRoot.querySelector("textarea")?.focus();
    const newest = page.messages[page.messages.length - 1];
    if (newest && newest.id > page.read_up_to) await markRead(this.hass, thread, newest.id);
  }

  async _loadOlder() {
    if (!this._before || this._loadingOlder) return;
    const thread = this._open;
    this._loadingOlder = true;
    try {
      const page = await threadPage(this.hass, thread, this._before, this._filter);
      if (this._open !== thread) return;
      this._messages = [...page.messages, ...this._messages];
      this._before = page.before;
    } finally {
      this._loadingOlder = false;
    }
  }

  /** The port the thread last used (a message of a loaded gateway), else the first one. */
  _replyFrom(messages) {
    const loaded = this._gateways.filter((gateway) => gateway.loaded && gateway.ports.length);
    for (let index = messages.length - 1; index >= 0; index--) {
      const { entry_id: entryId, port } = messages[index];
      const gateway = loaded.find((candidate) => candidate.entry_id === entryId);
      if (gateway && gateway.ports.includes(port)) return `${entryId}|${port}`;
    }
    return loaded.length ? `${loaded[0].entry_id}|${loaded[0].ports[0]}` : "";
  }

  async _send() {
    const text = this._draft;
    const number = this._open || this._number(this._to);
    if (!text.trim() || !number || !this._from || this._sending) return;
    const [entryId, port] = this._from.split("|");
    this._sending = true;
    this._error = "";
    try {
      const sent = await sendSms(this.hass, entryId, Number(port), number, text);
      this._draft = "";
      if (sent.thread !== this._open) await this._openThread(sent.thread);
      this.renderRoot.querySelector("dinstar-message-list")?.toBottom();
    } catch (err) {
      this._error = `Not sent: ${err.message}`;
    } finally {
      this._sending = false;
    }
  }

  _number(to) {
    const contact = this._contacts.find((candidate) => candidate.name === to.trim());
    return contact ? contact.number : to.trim();
  }

  _keydown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this._send();
    }
  }

  _gatewayTitle(entryId) {
    return this._gateways.find((gateway) => gateway.entry_id === entryId)?.title ?? entryId;
  }

  _time(at) {
    // As Home Assistant shows times: in the user's language, and in the server's time zone
    // when the user's profile asks for it (else the browser's).
    const server = this.hass.locale?.time_zone === "server";
    return new Date(at * 1000).toLocaleString(this.hass.locale?.language, {
      dateStyle: "short",
      timeStyle: "short",
      timeZone: server ? this.hass.config?.time_zone : undefined,
    });
  }

  _threadName(thread) {
    if (thread.name) return thread.name;
    if (thread.thread.startsWith("ussd:")) {
      return `USSD · ${this._gatewayTitle(thread.last.entry_id)} port ${thread.last.port}`;
    }
    return thread.last.number || thread.thread;
  }

  _describe = (message) => {
    const parts = [this._time(message.at), `port ${message.port ?? "?"}`];
    parts.push(this._gatewayTitle(message.entry_id));
    if (message.assist) parts.push("Assist");
    let failed = false;
    if (message.kind === "sent") {
      if (message.elsewhere) parts.push("sent outside Home Assistant");
      if (message.status === "undelivered") {
        parts.push(`Not delivered (network code ${message.status_code})`);
        failed = true;
      } else if (message.status) {
        parts.push(STATUS[message.status]);
        failed = message.status === "failed";
      }
    }
    return { text: message.text ?? null, meta: parts.join(" · "), failed };
  };

  _filterChanged(event) {
    const [entryId, port] = event.target.value.split("|");
    this._filter = {
      ...(entryId ? { entry_id: entryId } : {}),
      ...(port ? { port: Number(port) } : {}),
    };
    this._loadThreads();
    if (this._open) this._openThread(this._open);
  }

  _searchChanged(event) {
    this._search = event.target.value;
    clearTimeout(this._searching);
    this._searching = setTimeout(() => this._loadThreads(), 200);
  }

  render() {
    const showList = !this.narrow || this._open === null;
    const showThread = this._open !== null;
    return html`
      <div class="toolbar">
        <ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>
        <div class="title">Messages${this._unread ? html` <span class="count">(${this._unread})</span>` : nothing}</div>
        <select aria-label="Gateway and port" @change=${this._filterChanged}>
          <option value="">All gateways</option>
          ${this._gateways.map(
            (gateway) => html`
              <option value=${gateway.entry_id}>${gateway.title}</option>
              ${gateway.ports.map(
                (port) => html`<option value="${gateway.entry_id}|${port}">${gateway.title} · port ${port}</option>`,
              )}
            `,
          )}
        </select>
      </div>
      <div class="content ${this.narrow ? "narrow" : ""}">
        ${showList ? this._renderThreads() : nothing}
        ${showThread ? this._renderThread() : !this.narrow ? html`<section class="empty">Choose a conversation, or write a new message.</section>` : nothing}
      </div>
    `;
  }

  _renderThreads() {
    return html`<aside>
      <div class="tools">
        <input type="search" placeholder="Search text and numbers" aria-label="Search"
          .value=${this._search} @input=${this._searchChanged} />
        <button class="primary" @click=${() => this._newMessage()}>New message</button>
      </div>
      <ul class="threads">
        ${this._threads.map(
          (thread) => html`<li>
            <button class="thread ${thread.thread === this._open ? "open" : ""}"
              data-thread=${thread.thread} @click=${() => this._openThread(thread.thread)}>
              <span class="name">${this._threadName(thread)}</span>
              <span class="time">${this._time(thread.last.at)}</span>
              <span class="preview">${thread.last.kind === "sent" ? "You: " : ""}${thread.last.text ?? "Text not kept"}</span>
              ${thread.unread ? html`<span class="unread" aria-label="unread">${thread.unread}</span>` : nothing}
            </button>
          </li>`,
        )}
        ${this._threads.length ? nothing : html`<li class="none">No messages${this._search ? " found" : " yet"}.</li>`}
      </ul>
    </aside>`;
  }

  _newMessage() {
    this._open = "";
    this._messages = [];
    this._to = "";
    this._from = this._replyFrom([]);
    this._error = "";
  }

  _renderThread() {
    const thread = this._threads.find((candidate) => candidate.thread === this._open);
    const isUssd = this._open.startsWith("ussd:");
    const privateGateways = this._gateways.filter((gateway) => gateway.private);
    return html`<section class="thread-view">
      <header>
        ${this.narrow ? html`<button class="back" aria-label="Back" @click=${() => (this._open = null)}>←</button>` : nothing}
        ${this._open === ""
          ? html`<input list="contacts" class="to" placeholder="To: number or contact" aria-label="To"
              .value=${this._to} @input=${(event) => (this._to = event.target.value)} />
              <datalist id="contacts">${this._contacts.map((contact) => html`<option value=${contact.name}>${contact.number}</option>`)}</datalist>`
          : html`<div class="name">${thread ? this._threadName(thread) : this._open}</div>`}
      </header>
      ${privateGateways.length
        ? html`<p class="notice">${privateGateways.map((gateway) => gateway.title).join(", ")}
            ${privateGateways.length > 1 ? "keep" : "keeps"} SMS text out of the history (its option
            "Keep SMS text out of the history"): only senders and times are shown.</p>`
        : nothing}
      <dinstar-message-list .messages=${this._messages} .describe=${this._describe}
        .loading=${Boolean(this._loadingOlder)} @load-older=${this._loadOlder}></dinstar-message-list>
      ${isUssd ? html`<p class="notice">USSD replies of the operator: answered with the action dinstar.send_ussd.</p>` : this._renderComposer()}
    </section>`;
  }

  _renderComposer() {
    const plan = planSms(this._draft);
    const limit = plan.parts === 1 ? LIMITS[plan.encoding].single : LIMITS[plan.encoding].part * plan.parts;
    const ports = this._gateways.filter((gateway) => gateway.loaded);
    return html`<div class="composer">
      ${this._error ? html`<div class="error" role="alert">${this._error}</div>` : nothing}
      <div class="row">
        <select aria-label="Send from" .value=${this._from ?? ""} @change=${(event) => (this._from = event.target.value)}>
          ${ports.map((gateway) => gateway.ports.map(
            (port) => html`<option value="${gateway.entry_id}|${port}" ?selected=${this._from === `${gateway.entry_id}|${port}`}>
              ${gateway.title} · port ${port}</option>`,
          ))}
        </select>
        <span class="counter" aria-live="polite">${plan.units}/${limit} · ${plan.parts} ${plan.parts === 1 ? "part" : "parts"} · ${plan.encoding === "gsm_7bit" ? "GSM 7-bit" : "Unicode"}</span>
      </div>
      <div class="row">
        <textarea rows="2" placeholder="Message (Enter sends, Shift+Enter breaks the line)" aria-label="Message"
          .value=${this._draft} @input=${(event) => (this._draft = event.target.value)}
          @keydown=${this._keydown}></textarea>
        <button class="primary send" ?disabled=${this._sending || !this._draft.trim() || !this._from}
          @click=${this._send}>Send</button>
      </div>
    </div>`;
  }

  static styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100vh;
      height: 100dvh;
      background: var(--primary-background-color);
      color: var(--primary-text-color);
      font-family: var(--ha-font-family-body, Roboto, Noto, sans-serif);
      -webkit-font-smoothing: antialiased;
    }
    button, input, select, textarea {
      font: inherit;
      color: inherit;
    }
    input, select, textarea {
      background: var(--card-background-color);
      border: 1px solid var(--divider-color);
      border-radius: 8px;
      padding: 8px;
      min-width: 0;
    }
    input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible {
      outline: 2px solid var(--primary-color);
      outline-offset: 1px;
    }
    .toolbar {
      display: flex;
      align-items: center;
      gap: 8px;
      height: var(--header-height, 56px);
      padding: 0 12px 0 4px;
      background: var(--app-header-background-color);
      color: var(--app-header-text-color);
      border-bottom: var(--app-header-border-bottom, none);
      box-sizing: border-box;
    }
    .toolbar .title {
      flex: 1;
      font-size: 20px;
      margin-left: 12px;
    }
    .toolbar select {
      max-width: 45%;
      background: transparent;
      color: inherit;
      border-color: currentColor;
    }
    .toolbar option {
      color: var(--primary-text-color);
      background: var(--card-background-color);
    }
    .content {
      flex: 1;
      display: flex;
      min-height: 0;
    }
    aside {
      width: 340px;
      display: flex;
      flex-direction: column;
      border-right: 1px solid var(--divider-color);
      background: var(--card-background-color);
    }
    .narrow aside, .narrow .thread-view {
      width: 100%;
      border: none;
    }
    .tools {
      display: flex;
      gap: 8px;
      padding: 8px;
    }
    .tools input {
      flex: 1;
    }
    .primary {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
      border: none;
      border-radius: 8px;
      padding: 8px 14px;
      cursor: pointer;
    }
    .primary[disabled] {
      opacity: 0.5;
      cursor: default;
    }
    .threads {
      list-style: none;
      margin: 0;
      padding: 0;
      overflow-y: auto;
      flex: 1;
    }
    .thread {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 2px 8px;
      width: 100%;
      text-align: left;
      background: none;
      border: none;
      border-bottom: 1px solid var(--divider-color);
      padding: 10px 12px;
      cursor: pointer;
    }
    .thread.open {
      background: var(--secondary-background-color);
    }
    .thread .name {
      font-weight: 500;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .thread .time, .none {
      color: var(--secondary-text-color);
      font-size: 0.8em;
    }
    .none {
      padding: 16px;
    }
    .thread .preview {
      color: var(--secondary-text-color);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .unread {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
      border-radius: 10px;
      min-width: 20px;
      padding: 0 6px;
      text-align: center;
      font-size: 0.8em;
      line-height: 20px;
      justify-self: end;
    }
    .thread-view, .empty {
      flex: 1;
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .empty {
      align-items: center;
      justify-content: center;
      color: var(--secondary-text-color);
    }
    .thread-view header {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 8px 12px;
      border-bottom: 1px solid var(--divider-color);
      background: var(--card-background-color);
      min-height: 40px;
    }
    .thread-view header .name {
      font-weight: 500;
      font-size: 1.1em;
    }
    .thread-view header .to {
      flex: 1;
    }
    .back {
      background: none;
      border: none;
      font-size: 1.4em;
      cursor: pointer;
    }
    dinstar-message-list {
      flex: 1;
      min-height: 0;
    }
    .notice {
      margin: 8px 12px;
      color: var(--secondary-text-color);
      font-size: 0.9em;
    }
    .composer {
      border-top: 1px solid var(--divider-color);
      background: var(--card-background-color);
      padding: 8px;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    .composer .row {
      display: flex;
      gap: 8px;
      align-items: center;
    }
    .composer textarea {
      flex: 1;
      resize: vertical;
    }
    .counter {
      color: var(--secondary-text-color);
      font-size: 0.85em;
      margin-left: auto;
    }
    .error {
      color: var(--error-color);
    }
  `;
}

customElements.define("dinstar-messages-app", MessagesPanel);
