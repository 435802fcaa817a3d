// A thread's messages, oldest at the top: only those in view (and a margin) are drawn; the
// rest are two spacers whose heights come from measured rows (or an estimate until a row was
// drawn once). It keeps to the bottom while the reader is there, keeps the reader's place when
// older pages arrive above, and asks for an older page near the top ("load-older").
import { LitElement, css, html, nothing } from "lit";

const ESTIMATE = 76;
const MARGIN = 800;
const NEAR_TOP = 300;
const AT_BOTTOM = 48;

export class MessageList extends LitElement {
  static properties = {
    messages: { attribute: false },
    describe: { attribute: false },
    loading: { type: Boolean },
    _range: { state: true },
  };

  constructor() {
    super();
    this.messages = [];
    this._heights = new Map();
    this._range = [0, 0];
    this._stick = true;
    this._anchor = null;
  }

  static styles = css`
    :host {
      display: block;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: 0 12px;
    }
    .row {
      display: flex;
      padding: 4px 0;
    }
    .row.sent {
      justify-content: flex-end;
    }
    .bubble {
      max-width: min(75%, 560px);
      padding: 8px 12px;
      border-radius: 16px;
      background: var(--secondary-background-color);
      color: var(--primary-text-color);
      overflow-wrap: anywhere;
    }
    .text {
      white-space: pre-wrap;
    }
    .sent .bubble {
      background: var(--primary-color);
      color: var(--text-primary-color, #fff);
    }
    .ussd .bubble {
      border: 1px dashed var(--divider-color);
    }
    .meta {
      font-size: 0.75em;
      opacity: 0.8;
      margin-top: 4px;
    }
    .private {
      font-style: italic;
      opacity: 0.8;
    }
    .failed {
      color: var(--error-color);
      font-weight: 500;
    }
    .sent .failed {
      color: inherit;
      text-decoration: underline wavy;
    }
    .loading {
      text-align: center;
      color: var(--secondary-text-color);
      padding: 8px;
    }
  `;

  connectedCallback() {
    super.connectedCallback();
    this._onScroll = () => this._scrolled();
    this.addEventListener("scroll", this._onScroll, { passive: true });
    this._resize = new ResizeObserver(() => this._computeRange());
    this._resize.observe(this);
  }

  disconnectedCallback() {
    this.removeEventListener("scroll", this._onScroll);
    this._resize.disconnect();
    super.disconnectedCallback();
  }

  /** Go to the newest message (a thread just opened, or the reader sent one). */
  toBottom() {
    this._stick = true;
    this.updateComplete.then(() => {
      this.scrollTop = this.scrollHeight;
      this._computeRange();
    });
  }

  willUpdate(changed) {
    if (changed.has("messages")) {
      const previous = changed.get("messages") ?? [];
      // Older messages put in front: the reader's place is kept from the bottom.
      if (previous.length && this.messages.length > previous.length &&
          this.messages[this.messages.length - 1] === previous[previous.length - 1]) {
        this._anchor = this.scrollHeight - this.scrollTop;
      }
      this._computeRange();
    }
  }

  updated() {
    let changed = false;
    for (const row of this.renderRoot.querySelectorAll(".row")) {
      const id = Number(row.dataset.id);
      const height = row.offsetHeight;
      if (this._heights.get(id) !== height) {
        this._heights.set(id, height);
        changed = true;
      }
    }
    if (this._anchor !== null) {
      this.scrollTop = this.scrollHeight - this._anchor;
      this._anchor = null;
    } else if (this._stick) {
      this.scrollTop = this.scrollHeight;
    }
    if (changed) this._computeRange();
  }

  _height(message) {
    return this._heights.get(message.id) ?? ESTIMATE;
  }

  _computeRange() {
    const top = this.scrollTop - MARGIN;
    const bottom = this.scrollTop + this.clientHeight + MARGIN;
    let offset = 0;
    let first = this.messages.length;
    let last = this.messages.length;
    for (let index = 0; index < this.messages.length; index++) {
      const height = this._height(this.messages[index]);
      if (first === this.messages.length && offset + height >= top) first = index;
      if (offset > bottom) {
        last = index;
        break;
      }
      offset += height;
    }
    if (first !== this._range[0] || last !== this._range[1]) this._range = [first, last];
  }

  _scrolled() {
    this._stick = this.scrollHeight - this.scrollTop - this.clientHeight < AT_BOTTOM;
    this._computeRange();
    if (this.scrollTop < NEAR_TOP && !this.loading) {
      this.dispatchEvent(new CustomEvent("load-older"));
    }
  }

  render() {
    const [first, last] = this._range;
    let above = 0;
    for (let index = 0; index < first; index++) above += this._height(this.messages[index]);
    let below = 0;
    for (let index = last; index < this.messages.length; index++) {
      below += this._height(this.messages[index]);
    }
    return html`
      ${this.loading ? html`<div class="loading">Loading older messages…</div>` : nothing}
      <div style="height:${above}px"></div>
      ${this.messages.slice(first, last).map((message) => this._row(message))}
      <div style="height:${below}px"></div>
    `;
  }

  _row(message) {
    const { text, meta, failed } = this.describe(message);
    const body =
      text === null ? html`<span class="private">Text not kept</span>` : html`<span class="text">${text}</span>`;
    return html`<div class="row ${message.kind}" data-id=${message.id}>
      <div class="bubble">${body}<div class="meta ${failed ? "failed" : ""}">${meta}</div></div>
    </div>`;
  }
}

customElements.define("dinstar-message-list", MessageList);
