var O=globalThis,R=O.ShadowRoot&&(O.ShadyCSS===void 0||O.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,B=Symbol(),st=new WeakMap,S=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==B)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(R&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=st.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&st.set(e,t))}return t}toString(){return this.cssText}},it=r=>new S(typeof r=="string"?r:r+"",void 0,B),E=(r,...t)=>{let e=r.length===1?r[0]:t.reduce((s,i,o)=>s+(n=>{if(n._$cssResult$===!0)return n.cssText;if(typeof n=="number")return n;throw Error("Value passed to 'css' function must be a 'css' function result: "+n+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[o+1],r[0]);return new S(e,r,B)},rt=(r,t)=>{if(R)r.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=O.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,r.appendChild(s)}},D=R?r=>r:r=>r instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return it(e)})(r):r;var{is:Et,defineProperty:Ct,getOwnPropertyDescriptor:kt,getOwnPropertyNames:Tt,getOwnPropertySymbols:Mt,getPrototypeOf:Pt}=Object,H=globalThis,ot=H.trustedTypes,Ut=ot?ot.emptyScript:"",Nt=H.reactiveElementPolyfillSupport,C=(r,t)=>r,I={toAttribute(r,t){switch(t){case Boolean:r=r?Ut:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,t){let e=r;switch(t){case Boolean:e=r!==null;break;case Number:e=r===null?null:Number(r);break;case Object:case Array:try{e=JSON.parse(r)}catch{e=null}}return e}},at=(r,t)=>!Et(r,t),nt={attribute:!0,type:String,converter:I,reflect:!1,useDefault:!1,hasChanged:at};Symbol.metadata??=Symbol("metadata"),H.litPropertyMetadata??=new WeakMap;var m=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=nt){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&Ct(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:o}=kt(this.prototype,t)??{get(){return this[e]},set(n){this[e]=n}};return{get:i,set(n){let d=i?.call(this);o?.call(this,n),this.requestUpdate(t,d,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??nt}static _$Ei(){if(this.hasOwnProperty(C("elementProperties")))return;let t=Pt(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(C("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(C("properties"))){let e=this.properties,s=[...Tt(e),...Mt(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(D(i))}else t!==void 0&&e.push(D(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return rt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:I).toAttribute(e,s.type);this._$Em=t,o==null?this.removeAttribute(i):this.setAttribute(i,o),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let o=s.getPropertyOptions(i),n=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:I;this._$Em=i;let d=n.fromAttribute(e,o.type);this[i]=d??this._$Ej?.get(i)??d,this._$Em=null}}requestUpdate(t,e,s,i=!1,o){if(t!==void 0){let n=this.constructor;if(i===!1&&(o=this[t]),s??=n.getPropertyOptions(t),!((s.hasChanged??at)(o,e)||s.useDefault&&s.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(n._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:o},n){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,n??e??this[t]),o!==!0||n!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,o]of this._$Ep)this[i]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,o]of s){let{wrapped:n}=o,d=this[i];n!==!0||this._$AL.has(i)||d===void 0||this.C(i,void 0,o,d)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};m.elementStyles=[],m.shadowRootOptions={mode:"open"},m[C("elementProperties")]=new Map,m[C("finalized")]=new Map,Nt?.({ReactiveElement:m}),(H.reactiveElementVersions??=[]).push("2.1.2");var K=globalThis,ht=r=>r,z=K.trustedTypes,lt=z?z.createPolicy("lit-html",{createHTML:r=>r}):void 0,ft="$lit$",$=`lit$${Math.random().toFixed(9).slice(2)}$`,mt="?"+$,Ot=`<${mt}>`,y=document,T=()=>y.createComment(""),M=r=>r===null||typeof r!="object"&&typeof r!="function",J=Array.isArray,Rt=r=>J(r)||typeof r?.[Symbol.iterator]=="function",j=`[ 	
\f\r]`,k=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,dt=/-->/g,ct=/>/g,b=RegExp(`>|${j}(?:([^\\s"'>=/]+)(${j}*=${j}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),pt=/'/g,ut=/"/g,gt=/^(?:script|style|textarea|title)$/i,Z=r=>(t,...e)=>({_$litType$:r,strings:t,values:e}),l=Z(1),Jt=Z(2),Zt=Z(3),x=Symbol.for("lit-noChange"),h=Symbol.for("lit-nothing"),_t=new WeakMap,v=y.createTreeWalker(y,129);function $t(r,t){if(!J(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return lt!==void 0?lt.createHTML(t):t}var Ht=(r,t)=>{let e=r.length-1,s=[],i,o=t===2?"<svg>":t===3?"<math>":"",n=k;for(let d=0;d<e;d++){let a=r[d],p,u,c=-1,f=0;for(;f<a.length&&(n.lastIndex=f,u=n.exec(a),u!==null);)f=n.lastIndex,n===k?u[1]==="!--"?n=dt:u[1]!==void 0?n=ct:u[2]!==void 0?(gt.test(u[2])&&(i=RegExp("</"+u[2],"g")),n=b):u[3]!==void 0&&(n=b):n===b?u[0]===">"?(n=i??k,c=-1):u[1]===void 0?c=-2:(c=n.lastIndex-u[2].length,p=u[1],n=u[3]===void 0?b:u[3]==='"'?ut:pt):n===ut||n===pt?n=b:n===dt||n===ct?n=k:(n=b,i=void 0);let g=n===b&&r[d+1].startsWith("/>")?" ":"";o+=n===k?a+Ot:c>=0?(s.push(p),a.slice(0,c)+ft+a.slice(c)+$+g):a+$+(c===-2?d:g)}return[$t(r,o+(r[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},P=class r{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let o=0,n=0,d=t.length-1,a=this.parts,[p,u]=Ht(t,e);if(this.el=r.createElement(p,s),v.currentNode=this.el.content,e===2||e===3){let c=this.el.content.firstChild;c.replaceWith(...c.childNodes)}for(;(i=v.nextNode())!==null&&a.length<d;){if(i.nodeType===1){if(i.hasAttributes())for(let c of i.getAttributeNames())if(c.endsWith(ft)){let f=u[n++],g=i.getAttribute(c).split($),N=/([.?@])?(.*)/.exec(f);a.push({type:1,index:o,name:N[2],strings:g,ctor:N[1]==="."?q:N[1]==="?"?V:N[1]==="@"?G:A}),i.removeAttribute(c)}else c.startsWith($)&&(a.push({type:6,index:o}),i.removeAttribute(c));if(gt.test(i.tagName)){let c=i.textContent.split($),f=c.length-1;if(f>0){i.textContent=z?z.emptyScript:"";for(let g=0;g<f;g++)i.append(c[g],T()),v.nextNode(),a.push({type:2,index:++o});i.append(c[f],T())}}}else if(i.nodeType===8)if(i.data===mt)a.push({type:2,index:o});else{let c=-1;for(;(c=i.data.indexOf($,c+1))!==-1;)a.push({type:7,index:o}),c+=$.length-1}o++}}static createElement(t,e){let s=y.createElement("template");return s.innerHTML=t,s}};function w(r,t,e=r,s){if(t===x)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,o=M(t)?void 0:t._$litDirective$;return i?.constructor!==o&&(i?._$AO?.(!1),o===void 0?i=void 0:(i=new o(r),i._$AT(r,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=w(r,i._$AS(r,t.values),i,s)),t}var W=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??y).importNode(e,!0);v.currentNode=i;let o=v.nextNode(),n=0,d=0,a=s[0];for(;a!==void 0;){if(n===a.index){let p;a.type===2?p=new U(o,o.nextSibling,this,t):a.type===1?p=new a.ctor(o,a.name,a.strings,this,t):a.type===6&&(p=new F(o,this,t)),this._$AV.push(p),a=s[++d]}n!==a?.index&&(o=v.nextNode(),n++)}return v.currentNode=y,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},U=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=h,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=w(this,t,e),M(t)?t===h||t==null||t===""?(this._$AH!==h&&this._$AR(),this._$AH=h):t!==this._$AH&&t!==x&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Rt(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==h&&M(this._$AH)?this._$AA.nextSibling.data=t:this.T(y.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=P.createElement($t(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let o=new W(i,this),n=o.u(this.options);o.p(e),this.T(n),this._$AH=o}}_$AC(t){let e=_t.get(t.strings);return e===void 0&&_t.set(t.strings,e=new P(t)),e}k(t){J(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let o of t)i===e.length?e.push(s=new r(this.O(T()),this.O(T()),this,this.options)):s=e[i],s._$AI(o),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=ht(t).nextSibling;ht(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},A=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,o){this.type=1,this._$AH=h,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=h}_$AI(t,e=this,s,i){let o=this.strings,n=!1;if(o===void 0)t=w(this,t,e,0),n=!M(t)||t!==this._$AH&&t!==x,n&&(this._$AH=t);else{let d=t,a,p;for(t=o[0],a=0;a<o.length-1;a++)p=w(this,d[s+a],e,a),p===x&&(p=this._$AH[a]),n||=!M(p)||p!==this._$AH[a],p===h?t=h:t!==h&&(t+=(p??"")+o[a+1]),this._$AH[a]=p}n&&!i&&this.j(t)}j(t){t===h?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},q=class extends A{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===h?void 0:t}},V=class extends A{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==h)}},G=class extends A{constructor(t,e,s,i,o){super(t,e,s,i,o),this.type=5}_$AI(t,e=this){if((t=w(this,t,e,0)??h)===x)return;let s=this._$AH,i=t===h&&s!==h||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,o=t!==h&&(s===h||i);i&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},F=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){w(this,t)}};var zt=K.litHtmlPolyfillSupport;zt?.(P,U),(K.litHtmlVersions??=[]).push("3.3.3");var bt=(r,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let o=e?.renderBefore??null;s._$litPart$=i=new U(t.insertBefore(T(),o),o,void 0,e??{})}return i._$AI(r),i};var Q=globalThis,_=class extends m{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=bt(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return x}};_._$litElement$=!0,_.finalized=!0,Q.litElementHydrateSupport?.({LitElement:_});var Lt=Q.litElementPolyfillSupport;Lt?.({LitElement:_});(Q.litElementVersions??=[]).push("4.2.2");var vt=(r,t)=>r.callWS({type:"dinstar/messages/threads",...t}),X=(r,t,e,s)=>r.callWS({type:"dinstar/messages/thread",thread:t,limit:50,...e?{before:e}:{},...s}),Y=(r,t,e)=>r.callWS({type:"dinstar/messages/mark_read",thread:t,...e?{up_to:e}:{}}),yt=(r,t,e,s,i)=>r.callWS({type:"dinstar/messages/send",entry_id:t,port:e,number:s,text:i}),xt=(r,t)=>r.connection.subscribeMessage(t,{type:"dinstar/messages/subscribe"});var Bt=76,wt=800,Dt=300,It=48,tt=class extends _{static properties={messages:{attribute:!1},describe:{attribute:!1},loading:{type:Boolean},_range:{state:!0}};constructor(){super(),this.messages=[],this._heights=new Map,this._range=[0,0],this._stick=!0,this._anchor=null}static styles=E`
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
  `;connectedCallback(){super.connectedCallback(),this._onScroll=()=>this._scrolled(),this.addEventListener("scroll",this._onScroll,{passive:!0}),this._resize=new ResizeObserver(()=>this._computeRange()),this._resize.observe(this)}disconnectedCallback(){this.removeEventListener("scroll",this._onScroll),this._resize.disconnect(),super.disconnectedCallback()}toBottom(){this._stick=!0,this.updateComplete.then(()=>{this.scrollTop=this.scrollHeight,this._computeRange()})}willUpdate(t){if(t.has("messages")){let e=t.get("messages")??[];e.length&&this.messages.length>e.length&&this.messages[this.messages.length-1]===e[e.length-1]&&(this._anchor=this.scrollHeight-this.scrollTop),this._computeRange()}}updated(){let t=!1;for(let e of this.renderRoot.querySelectorAll(".row")){let s=Number(e.dataset.id),i=e.offsetHeight;this._heights.get(s)!==i&&(this._heights.set(s,i),t=!0)}this._anchor!==null?(this.scrollTop=this.scrollHeight-this._anchor,this._anchor=null):this._stick&&(this.scrollTop=this.scrollHeight),t&&this._computeRange()}_height(t){return this._heights.get(t.id)??Bt}_computeRange(){let t=this.scrollTop-wt,e=this.scrollTop+this.clientHeight+wt,s=0,i=this.messages.length,o=this.messages.length;for(let n=0;n<this.messages.length;n++){let d=this._height(this.messages[n]);if(i===this.messages.length&&s+d>=t&&(i=n),s>e){o=n;break}s+=d}(i!==this._range[0]||o!==this._range[1])&&(this._range=[i,o])}_scrolled(){this._stick=this.scrollHeight-this.scrollTop-this.clientHeight<It,this._computeRange(),this.scrollTop<Dt&&!this.loading&&this.dispatchEvent(new CustomEvent("load-older"))}render(){let[t,e]=this._range,s=0;for(let o=0;o<t;o++)s+=this._height(this.messages[o]);let i=0;for(let o=e;o<this.messages.length;o++)i+=this._height(this.messages[o]);return l`
      ${this.loading?l`<div class="loading">Loading older messages…</div>`:h}
      <div style="height:${s}px"></div>
      ${this.messages.slice(t,e).map(o=>this._row(o))}
      <div style="height:${i}px"></div>
    `}_row(t){let{text:e,meta:s,failed:i}=this.describe(t),o=e===null?l`<span class="private">Text not kept</span>`:l`<span class="text">${e}</span>`;return l`<div class="row ${t.kind}" data-id=${t.id}>
      <div class="bubble">${o}<div class="meta ${i?"failed":""}">${s}</div></div>
    </div>`}};customElements.define("dinstar-message-list",tt);var jt=new Set(`@\xA3$\xA5\xE8\xE9\xF9\xEC\xF2\xC7
\xD8\xF8\r\xC5\xE5\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\xC6\xE6\xDF\xC9 !"#\xA4%&'()*+,-./0123456789:;<=>?\xA1ABCDEFGHIJKLMNOPQRSTUVWXYZ\xC4\xD6\xD1\xDC\xA7\xBFabcdefghijklmnopqrstuvwxyz\xE4\xF6\xF1\xFC\xE0`),At=new Set("\f^{}\\[~]|\u20AC"),L={gsm_7bit:{single:160,part:153},unicode:{single:70,part:67}};function Wt(r){for(let t of r)if(!jt.has(t)&&!At.has(t))return!1;return!0}function St(r){let t=Wt(r)?"gsm_7bit":"unicode",e=0;if(t==="gsm_7bit")for(let n of r)e+=At.has(n)?2:1;else e=r.length;let{single:s,part:i}=L[t],o=e<=s?1:Math.ceil(e/i);return{encoding:t,units:e,parts:o}}var qt={queued:"Queued",sent:"Sent",failed:"Failed: the gateway could not send it",delivered:"Delivered"},et=class extends _{static properties={hass:{attribute:!1},narrow:{type:Boolean},route:{attribute:!1},panel:{attribute:!1},_threads:{state:!0},_unread:{state:!0},_gateways:{state:!0},_contacts:{state:!0},_filter:{state:!0},_search:{state:!0},_open:{state:!0},_messages:{state:!0},_before:{state:!0},_loadingOlder:{state:!0},_from:{state:!0},_to:{state:!0},_draft:{state:!0},_sending:{state:!0},_error:{state:!0}};constructor(){super(),this._threads=[],this._unread=0,this._gateways=[],this._contacts=[],this._filter={},this._search="",this._open=null,this._messages=[],this._before=null,this._draft="",this._to="",this._error=""}connectedCallback(){super.connectedCallback(),this.hass&&this._start()}disconnectedCallback(){super.disconnectedCallback(),this._unsubscribe?.then(t=>t()),this._unsubscribe=void 0}willUpdate(t){t.has("hass")&&this.hass&&!this._unsubscribe&&this._start()}_start(){this._unsubscribe=xt(this.hass,t=>this._update(t)),this._loadThreads()}async _loadThreads(){let t={...this._filter,...this._search?{search:this._search}:{}},e=await vt(this.hass,t);this._threads=e.threads,this._unread=e.unread,this._gateways=e.gateways,this._contacts=e.contacts}_update(t){if(this._unread=t.unread,t.message){let e=t.message;if(e.thread===this._open){let s=this._messages.findIndex(i=>i.id===e.id);this._messages=s===-1?[...this._messages,e]:this._messages.map(i=>i.id===e.id?e:i),e.kind!=="sent"&&document.visibilityState==="visible"&&Y(this.hass,e.thread,e.id)}}clearTimeout(this._reload),this._reload=setTimeout(()=>this._loadThreads(),150)}async _openThread(t){this._open=t,this._messages=[],this._before=null,this._error="";let e=await X(this.hass,t,null,this._filter);if(this._open!==t)return;this._messages=e.messages,this._before=e.before,this._from=this._replyFrom(e.messages),await this.updateComplete,this.renderRoot.querySelector("dinstar-message-list")?.toBottom(),this.renderRoot.querySelector("textarea")?.focus();let s=e.messages[e.messages.length-1];s&&s.id>e.read_up_to&&await Y(this.hass,t,s.id)}async _loadOlder(){if(!this._before||this._loadingOlder)return;let t=this._open;this._loadingOlder=!0;try{let e=await X(this.hass,t,this._before,this._filter);if(this._open!==t)return;this._messages=[...e.messages,...this._messages],this._before=e.before}finally{this._loadingOlder=!1}}_replyFrom(t){let e=this._gateways.filter(s=>s.loaded&&s.ports.length);for(let s=t.length-1;s>=0;s--){let{entry_id:i,port:o}=t[s],n=e.find(d=>d.entry_id===i);if(n&&n.ports.includes(o))return`${i}|${o}`}return e.length?`${e[0].entry_id}|${e[0].ports[0]}`:""}async _send(){let t=this._draft,e=this._open||this._number(this._to);if(!t.trim()||!e||!this._from||this._sending)return;let[s,i]=this._from.split("|");this._sending=!0,this._error="";try{let o=await yt(this.hass,s,Number(i),e,t);this._draft="",o.thread!==this._open&&await this._openThread(o.thread),this.renderRoot.querySelector("dinstar-message-list")?.toBottom()}catch(o){this._error=`Not sent: ${o.message}`}finally{this._sending=!1}}_number(t){let e=this._contacts.find(s=>s.name===t.trim());return e?e.number:t.trim()}_keydown(t){t.key==="Enter"&&!t.shiftKey&&!t.isComposing&&(t.preventDefault(),this._send())}_gatewayTitle(t){return this._gateways.find(e=>e.entry_id===t)?.title??t}_time(t){let e=this.hass.locale?.time_zone==="server";return new Date(t*1e3).toLocaleString(this.hass.locale?.language,{dateStyle:"short",timeStyle:"short",timeZone:e?this.hass.config?.time_zone:void 0})}_threadName(t){return t.name?t.name:t.thread.startsWith("ussd:")?`USSD \xB7 ${this._gatewayTitle(t.last.entry_id)} port ${t.last.port}`:t.last.number||t.thread}_describe=t=>{let e=[this._time(t.at),`port ${t.port??"?"}`];e.push(this._gatewayTitle(t.entry_id)),t.assist&&e.push("Assist");let s=!1;return t.kind==="sent"&&(t.elsewhere&&e.push("sent outside Home Assistant"),t.status==="undelivered"?(e.push(`Not delivered (network code ${t.status_code})`),s=!0):t.status&&(e.push(qt[t.status]),s=t.status==="failed")),{text:t.text??null,meta:e.join(" \xB7 "),failed:s}};_filterChanged(t){let[e,s]=t.target.value.split("|");this._filter={...e?{entry_id:e}:{},...s?{port:Number(s)}:{}},this._loadThreads(),this._open&&this._openThread(this._open)}_searchChanged(t){this._search=t.target.value,clearTimeout(this._searching),this._searching=setTimeout(()=>this._loadThreads(),200)}render(){let t=!this.narrow||this._open===null,e=this._open!==null;return l`
      <div class="toolbar">
        <ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>
        <div class="title">Messages${this._unread?l` <span class="count">(${this._unread})</span>`:h}</div>
        <select aria-label="Gateway and port" @change=${this._filterChanged}>
          <option value="">All gateways</option>
          ${this._gateways.map(s=>l`
              <option value=${s.entry_id}>${s.title}</option>
              ${s.ports.map(i=>l`<option value="${s.entry_id}|${i}">${s.title} · port ${i}</option>`)}
            `)}
        </select>
      </div>
      <div class="content ${this.narrow?"narrow":""}">
        ${t?this._renderThreads():h}
        ${e?this._renderThread():this.narrow?h:l`<section class="empty">Choose a conversation, or write a new message.</section>`}
      </div>
    `}_renderThreads(){return l`<aside>
      <div class="tools">
        <input type="search" placeholder="Search text and numbers" aria-label="Search"
          .value=${this._search} @input=${this._searchChanged} />
        <button class="primary" @click=${()=>this._newMessage()}>New message</button>
      </div>
      <ul class="threads">
        ${this._threads.map(t=>l`<li>
            <button class="thread ${t.thread===this._open?"open":""}"
              data-thread=${t.thread} @click=${()=>this._openThread(t.thread)}>
              <span class="name">${this._threadName(t)}</span>
              <span class="time">${this._time(t.last.at)}</span>
              <span class="preview">${t.last.kind==="sent"?"You: ":""}${t.last.text??"Text not kept"}</span>
              ${t.unread?l`<span class="unread" aria-label="unread">${t.unread}</span>`:h}
            </button>
          </li>`)}
        ${this._threads.length?h:l`<li class="none">No messages${this._search?" found":" yet"}.</li>`}
      </ul>
    </aside>`}_newMessage(){this._open="",this._messages=[],this._to="",this._from=this._replyFrom([]),this._error=""}_renderThread(){let t=this._threads.find(i=>i.thread===this._open),e=this._open.startsWith("ussd:"),s=this._gateways.filter(i=>i.private);return l`<section class="thread-view">
      <header>
        ${this.narrow?l`<button class="back" aria-label="Back" @click=${()=>this._open=null}>←</button>`:h}
        ${this._open===""?l`<input list="contacts" class="to" placeholder="To: number or contact" aria-label="To"
              .value=${this._to} @input=${i=>this._to=i.target.value} />
              <datalist id="contacts">${this._contacts.map(i=>l`<option value=${i.name}>${i.number}</option>`)}</datalist>`:l`<div class="name">${t?this._threadName(t):this._open}</div>`}
      </header>
      ${s.length?l`<p class="notice">${s.map(i=>i.title).join(", ")}
            ${s.length>1?"keep":"keeps"} SMS text out of the history (its option
            "Keep SMS text out of the history"): only senders and times are shown.</p>`:h}
      <dinstar-message-list .messages=${this._messages} .describe=${this._describe}
        .loading=${!!this._loadingOlder} @load-older=${this._loadOlder}></dinstar-message-list>
      ${e?l`<p class="notice">USSD replies of the operator: answered with the action dinstar.send_ussd.</p>`:this._renderComposer()}
    </section>`}_renderComposer(){let t=St(this._draft),e=t.parts===1?L[t.encoding].single:L[t.encoding].part*t.parts,s=this._gateways.filter(i=>i.loaded);return l`<div class="composer">
      ${this._error?l`<div class="error" role="alert">${this._error}</div>`:h}
      <div class="row">
        <select aria-label="Send from" .value=${this._from??""} @change=${i=>this._from=i.target.value}>
          ${s.map(i=>i.ports.map(o=>l`<option value="${i.entry_id}|${o}" ?selected=${this._from===`${i.entry_id}|${o}`}>
              ${i.title} · port ${o}</option>`))}
        </select>
        <span class="counter" aria-live="polite">${t.units}/${e} · ${t.parts} ${t.parts===1?"part":"parts"} · ${t.encoding==="gsm_7bit"?"GSM 7-bit":"Unicode"}</span>
      </div>
      <div class="row">
        <textarea rows="2" placeholder="Message (Enter sends, Shift+Enter breaks the line)" aria-label="Message"
          .value=${this._draft} @input=${i=>this._draft=i.target.value}
          @keydown=${this._keydown}></textarea>
        <button class="primary send" ?disabled=${this._sending||!this._draft.trim()||!this._from}
          @click=${this._send}>Send</button>
      </div>
    </div>`}static styles=E`
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
  `};customElements.define("dinstar-messages-app",et);
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
