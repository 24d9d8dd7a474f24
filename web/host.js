// The page's bridge to a host app (issue 15). index.html's first script loads it only
// inside a frame or a mini-program's web-view; the server serves it at host.js (under its
// --base-path) with its configuration in front (`self.mcHost`: the origins allowed to
// frame the app, from --frame-ancestors; the JS-SDK's URL, --jssdk-url; the
// mini-program's pages).
//
// The app itself has no host code: it marks <html data-member> with the logged-in
// member's tier ("" logged out), and its links say what they are (data-coupon on "use
// this coupon", data-shop on "go shopping"). This file turns those into the host's
// messages. The message table is in the README ("Embedding").
(() => {
  const config = self.mcHost || { origins: [] };
  const root = document.documentElement;
  const framed = self !== top;
  const inMiniProgram = () =>
    self.__wxjs_environment === 'miniprogram' || /miniProgram/i.test(navigator.userAgent);
  const miniProgram = () => inMiniProgram() && self.wx && self.wx.miniProgram;

  // An origin is allowed when the CSP lets it frame the app: this one, or one of
  // --frame-ancestors (`https://*.example.com` covers its subdomains, as in CSP).
  const allowed = (origin) =>
    origin === location.origin ||
    config.origins.some((pattern) => {
      if (pattern === origin) return true;
      const star = pattern.indexOf('://*.');
      if (star < 0) return false;
      const scheme = pattern.slice(0, star + 3);
      const rest = pattern.slice(star + 4);
      return origin.startsWith(scheme) && origin.endsWith(rest) && origin.length > scheme.length + rest.length;
    });
  // The parent's origin as the browser reports it (Chromium, Safari), else as the Referer
  // the frame was loaded with. Messages go to that origin only, never `*`: if the parent
  // page has navigated elsewhere since, the browser drops them.
  const parentOrigin = () => {
    if (!framed) return null;
    const told = location.ancestorOrigins && location.ancestorOrigins[0];
    let origin = told || null;
    if (!origin && document.referrer) origin = new URL(document.referrer).origin;
    return origin && allowed(origin) ? origin : null;
  };
  const parentTarget = parentOrigin();

  const store = {
    get: (key) => {
      try {
        return sessionStorage.getItem(key);
      } catch (_) {
        return null; // storage blocked in some web-views: state lives for this page only
      }
    },
    set: (key, value) => {
      try {
        if (value === null) sessionStorage.removeItem(key);
        else sessionStorage.setItem(key, value);
      } catch (_) {}
    },
  };

  // To the iframe's parent, and (except the frame-only kinds) to the mini-program, which
  // receives them only on back, share or destroy: nothing here waits for them.
  const tell = (kind, fields) => {
    const message = Object.assign({ type: 'member-center:' + kind }, fields);
    if (parentTarget) parent.postMessage(message, parentTarget);
    const mp = miniProgram();
    if (mp && kind !== 'height' && kind !== 'navigate') mp.postMessage({ data: message });
  };

  // The mini-program's JS-SDK, when the operator configured its URL and the host has not
  // injected it already.
  if (inMiniProgram() && !self.wx && config.jssdk) {
    const sdk = document.createElement('script');
    sdk.src = config.jssdk;
    document.head.append(sdk);
  }

  // The host draws its own bar: always in a mini-program (its navigation bar), in a frame
  // when the link says `host_bar=1`; remembered for the tab. A constructed style sheet,
  // which the CSP's style-src does not govern, so the page's CSS carries nothing for it.
  const asked = new URLSearchParams(location.search).get('host_bar');
  if (asked === '0' || asked === '1') store.set('mc.host.bar', asked);
  const hostBar = store.get('mc.host.bar');
  if (hostBar === '1' || (hostBar === null && inMiniProgram())) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.top-bar{display:none}');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    root.setAttribute('data-host-bar', '');
  }

  // Login, logout and tier changes, from <html data-member>. The last state seen is kept
  // for the tab, so a reload does not announce a login again.
  const memberChanged = () => {
    const tier = root.getAttribute('data-member');
    if (tier === null) return; // the app is still loading
    const before = store.get('mc.host.tier');
    if (tier && !before) tell('login', { tier });
    else if (!tier && before) tell('logged-out', {});
    else if (tier && before && tier !== before) tell('tier-changed', { tier, from: before });
    store.set('mc.host.tier', tier || null);
  };
  // `ready`, once the app has started (it has marked <html data-member>): a host that
  // hears nothing within a few seconds knows the app could not start in its frame (an
  // origin not allowed to frame it gets the browser's error page, and no message).
  let ready = false;
  const started = [];
  const startedOnce = () => {
    if (ready || root.getAttribute('data-member') === null) return;
    ready = true;
    tell('ready', {});
    started.forEach((then) => then());
  };
  new MutationObserver(() => {
    startedOnce();
    memberChanged();
  }).observe(root, { attributes: true, attributeFilter: ['data-member'] });
  startedOnce();
  memberChanged();

  // "Use this coupon" and "go shopping": in a mini-program, the host's own pages; in a
  // frame, the parent hears of the coupon and the app goes on as usual. Capture phase, so
  // the app's own handlers do not run when the host takes over.
  document.addEventListener(
    'click',
    (event) => {
      const link = event.target.closest && event.target.closest('[data-coupon],[data-shop]');
      if (!link) return;
      const coupon = link.getAttribute('data-coupon');
      if (coupon) tell('coupon-chosen', { coupon });
      const mp = miniProgram();
      if (!mp) return;
      event.preventDefault();
      event.stopPropagation();
      const url = coupon ? config.couponPage + '?coupon=' + encodeURIComponent(coupon) : config.shopPage;
      mp.navigateTo({ url });
    },
    true,
  );

  if (!parentTarget) return;

  // The app's path, whenever it changes (the router uses pushState and popstate).
  let path = location.pathname;
  const moved = () => {
    if (location.pathname === path) return;
    path = location.pathname;
    tell('navigate', { path });
  };
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name];
    history[name] = function (...args) {
      const result = original.apply(this, args);
      moved();
      return result;
    };
  }
  addEventListener('popstate', moved);

  // The content's height, so the parent can size the frame to it: the body's own height,
  // without the full-screen minimum it has when the app is the whole page. Told once the
  // app has started and its layout has settled (nothing marked `aria-busy`, the height
  // unchanged for `SETTLE_MS`), then on each real change: not the boot screen's, the
  // spinner's and the screen's heights one after the other while it loads.
  const SETTLE_MS = 150;
  const measure = () => {
    let last = 0;
    let timer;
    document.body.style.minHeight = '0';
    const settled = () => {
      if (document.querySelector('[aria-busy="true"]')) return;
      const px = Math.ceil(document.body.getBoundingClientRect().height);
      if (px !== last) {
        last = px;
        tell('height', { px });
      }
    };
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(settled, SETTLE_MS);
    };
    new ResizeObserver(changed).observe(document.body);
    // A busy part replaced by what it waited for, at the same height, settles it too.
    new MutationObserver(changed).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-busy'],
    });
  };
  const whenStarted = (then) => (ready ? then() : started.push(then));
  whenStarted(() => {
    if (document.body) measure();
    else addEventListener('DOMContentLoaded', measure);
  });

  // The host may log the member out; only the parent, and only from an allowed origin.
  addEventListener('message', (event) => {
    if (event.source !== parent || !allowed(event.origin)) return;
    if (!event.data || event.data.type !== 'member-center:logout') return;
    // Relative to the page's <base href> (the server's --base-path); a session kept as a
    // token (cookies blocked) is sent as the app sends it, and forgotten.
    const token = store.get('mc.session');
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    store.set('mc.session', null);
    fetch('api/auth/logout', { method: 'POST', headers })
      .catch(() => {})
      .then(() => location.replace(document.baseURI));
  });
})();
