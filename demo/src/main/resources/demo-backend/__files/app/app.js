// Gatehouse demo page. No inline script anywhere, so it runs under Content-Security-Policy: default-src 'self'.
// The access token is kept in this closure only (never in Web Storage or a script-readable cookie);
// the refresh token is the auth-service's HttpOnly cookie, sent by the browser to /auth only.
// Both are DPoP-bound (RFC 9449) to a key pair whose private key cannot be exported: it lives in this browser's
// IndexedDB and signs a proof for every token request and API call, so a copied token is useless elsewhere.
'use strict';

(() => {
  // The JWS algorithm of this page's DPoP key: RS256 (RSASSA-PKCS1-v1_5, 2048 bits, SHA-256), the cheapest for the
  // gateway to verify of those every browser's WebCrypto offers (docs/dpop.md). Change it here, and only here, to
  // one of the keys of DPOP_ALGORITHMS; a stored key of another algorithm is replaced on the next load.
  const DPOP_ALG = 'RS256';

  const RSA_2048 = { modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  const DPOP_ALGORITHMS = {
    RS256: { generate: { name: 'RSASSA-PKCS1-v1_5', ...RSA_2048 }, sign: { name: 'RSASSA-PKCS1-v1_5' } },
    PS256: { generate: { name: 'RSA-PSS', ...RSA_2048 }, sign: { name: 'RSA-PSS', saltLength: 32 } },
    ES256: { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } },
    EdDSA: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
  };
  // RFC 7638: the members of a public JWK that its thumbprint covers (and all a proof's jwk needs)
  const JWK_REQUIRED_MEMBERS = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] };

  const KEY_DATABASE = 'gatehouse-demo';
  const KEY_STORE = 'dpop';
  const KEY_RECORD = 'key';
  // not a secret: only whether to try the refresh cookie when the page loads (a reload keeps the session)
  const SESSION_RECORD = 'session';

  let accessToken = null;
  let tokenType = null;
  let refreshInFlight = null;
  let dpopKey = null; // { alg, keyPair, jwk, thumbprint } once loaded; stays null where WebCrypto is missing
  // the latest DPoP-Nonce of each server (the auth-service answers under /auth/, the gateway everything else)
  const nonces = new Map();

  const $ = (id) => document.getElementById(id);

  function setText(id, text, className) {
    const element = $(id);
    element.textContent = text;
    if (className !== undefined) {
      element.className = className;
    }
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (e) {
      return {};
    }
  }

  // --- the key pair, kept in IndexedDB (structured clone keeps the private key non-extractable) ---

  function keyStore(mode, action) {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(KEY_DATABASE, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(KEY_STORE);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const database = open.result;
        const transaction = database.transaction(KEY_STORE, mode);
        const request = action(transaction.objectStore(KEY_STORE));
        transaction.oncomplete = () => {
          database.close();
          resolve(request.result);
        };
        transaction.onerror = () => {
          database.close();
          reject(transaction.error);
        };
      };
    });
  }

  const readRecord = (name) => keyStore('readonly', (store) => store.get(name));
  const writeRecord = (name, value) => keyStore('readwrite', (store) => store.put(value, name));

  function base64url(bytes) {
    let binary = '';
    for (const byte of new Uint8Array(bytes)) {
      binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const utf8 = (text) => new TextEncoder().encode(text);
  const sha256 = (text) => crypto.subtle.digest('SHA-256', utf8(text));

  async function loadDpopKey() {
    let stored = await readRecord(KEY_RECORD);
    if (!stored || stored.alg !== DPOP_ALG) {
      // extractable false: the private key can sign but never leave WebCrypto (the public key is always exportable)
      const keyPair = await crypto.subtle.generateKey(DPOP_ALGORITHMS[DPOP_ALG].generate, false, ['sign', 'verify']);
      stored = { alg: DPOP_ALG, keyPair };
      await writeRecord(KEY_RECORD, stored);
      await writeRecord(SESSION_RECORD, false);
    }
    const exported = await crypto.subtle.exportKey('jwk', stored.keyPair.publicKey);
    const jwk = {};
    for (const member of JWK_REQUIRED_MEMBERS[exported.kty]) {
      jwk[member] = exported[member];
    }
    // the members in lexicographic order, as RFC 7638 wants: JSON.stringify keeps insertion order
    const thumbprint = base64url(await sha256(JSON.stringify(jwk)));
    return { alg: stored.alg, keyPair: stored.keyPair, jwk, thumbprint };
  }

  // RFC 9449 section 4.2: a proof for one request; ath binds it to the access token it comes with
  async function dpopProof(method, url, token, nonce) {
    const target = new URL(url, location.href);
    const header = { typ: 'dpop+jwt', alg: dpopKey.alg, jwk: dpopKey.jwk };
    const claims = {
      jti: base64url(crypto.getRandomValues(new Uint8Array(16))),
      htm: method,
      htu: target.origin + target.pathname,
      iat: Math.floor(Date.now() / 1000),
    };
    if (token) {
      claims.ath = base64url(await sha256(token));
    }
    if (nonce) {
      claims.nonce = nonce;
    }
    const signingInput = base64url(utf8(JSON.stringify(header))) + '.' + base64url(utf8(JSON.stringify(claims)));
    const signature = await crypto.subtle.sign(DPOP_ALGORITHMS[dpopKey.alg].sign, dpopKey.keyPair.privateKey,
      utf8(signingInput));
    return signingInput + '.' + base64url(signature);
  }

  // Whether the server asks for a nonce: 400 {"error":"use_dpop_nonce"} at the token endpoint, 401 with
  // WWW-Authenticate: DPoP error="use_dpop_nonce" at a resource.
  async function asksForNonce(response) {
    if (response.status === 401) {
      return /error="use_dpop_nonce"/.test(response.headers.get('WWW-Authenticate') || '');
    }
    return response.status === 400 && (await readJson(response.clone())).error === 'use_dpop_nonce';
  }

  // fetch with a DPoP proof (and the access token, when given, as DPoP or Bearer as it was issued); keeps the
  // server's latest DPoP-Nonce and, when told to use one, sends the request once more with it.
  async function send(url, init, token) {
    const method = (init.method || 'GET').toUpperCase();
    const server = new URL(url, location.href).pathname.startsWith('/auth/') ? 'auth' : 'gateway';
    const bound = dpopKey !== null && (!token || tokenType === 'DPoP');
    for (let attempt = 1; ; attempt++) {
      const headers = new Headers(init.headers || {});
      if (bound) {
        headers.set('DPoP', await dpopProof(method, url, token, nonces.get(server)));
      }
      if (token) {
        headers.set('Authorization', (bound ? 'DPoP ' : 'Bearer ') + token);
      }
      const response = await fetch(url, { ...init, method, headers, credentials: 'same-origin', cache: 'no-store' });
      const nonce = response.headers.get('DPoP-Nonce');
      if (nonce) {
        nonces.set(server, nonce);
      }
      if (!bound || !nonce || attempt > 1 || !(await asksForNonce(response))) {
        return response;
      }
    }
  }

  // --- tokens ---

  // POST /auth/token in browser mode: the refresh token travels as the HttpOnly cookie, never in the body.
  async function tokenRequest(params) {
    const response = await send('/auth/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Token-Delivery': 'cookie',
      },
      body: new URLSearchParams(params),
    });
    const body = await readJson(response);
    if (response.ok) {
      accessToken = body.access_token;
      // RFC 6749 token_type is case-insensitive
      tokenType = /^dpop$/i.test(body.token_type || '') ? 'DPoP' : 'Bearer';
      showBinding();
    }
    return { response, body };
  }

  function showBinding() {
    if (tokenType === 'DPoP') {
      setText('token-binding', 'token_type: DPoP, bound to this browser\'s ' + dpopKey.alg + ' key (JWK thumbprint '
        + dpopKey.thumbprint + '); a copy of the token is useless without it.', 'result ok');
    } else {
      setText('token-binding', 'token_type: ' + tokenType + ' (not DPoP-bound: whoever holds a copy can use it)'
        + (dpopKey ? '' : '; this browser offers no WebCrypto here (not a secure context)'), 'result denied');
    }
  }

  // One refresh at a time: concurrent 401s wait for the same rotation.
  function refresh() {
    if (!refreshInFlight) {
      refreshInFlight = tokenRequest({ grant_type: 'refresh_token' })
        .then(({ response, body }) => {
          if (!response.ok) {
            accessToken = null;
            return false;
          }
          setText('session-status', 'Access token refreshed at ' + new Date().toLocaleTimeString()
            + ' (valid ' + body.expires_in + ' s).');
          return true;
        })
        .catch(() => false)
        .finally(() => { refreshInFlight = null; });
    }
    return refreshInFlight;
  }

  // Call the API with the access token; on 401 refresh once and retry once.
  async function api(path, init = {}) {
    const call = () => send(path, init, accessToken);
    let response = await call();
    if (response.status === 401) {
      if (await refresh()) {
        response = await call();
      }
      if (response.status === 401) {
        showLogin('Your session has ended. Please log in again.');
      }
    }
    return response;
  }

  // --- the page ---

  function showLogin(message) {
    accessToken = null;
    tokenType = null;
    $('app-view').hidden = true;
    $('login-view').hidden = false;
    setText('login-message', message || '');
    $('password').value = '';
    $('username').focus();
  }

  async function showApp() {
    $('login-view').hidden = true;
    $('app-view').hidden = false;
    setText('admin-result', '', 'result');
    const me = await api('/auth/users/me');
    if (me.status === 401) {
      return; // the login form shows again
    }
    if (me.ok) {
      const user = await readJson(me);
      setText('whoami', user.username);
      setText('roles', '(' + (user.roles || []).join(', ') + ')');
    }
    await loadItems();
  }

  async function loadItems() {
    const list = $('items');
    const response = await api('/api/items');
    list.replaceChildren();
    if (!response.ok) {
      const li = document.createElement('li');
      li.textContent = 'Could not load items: ' + response.status;
      list.append(li);
      return;
    }
    for (const item of await readJson(response)) {
      const li = document.createElement('li');
      li.className = 'item';
      li.textContent = item.name + ' (owner: ' + item.owner + ')';
      list.append(li);
    }
  }

  async function openDashboard() {
    const response = await api('/admin/dashboard');
    if (response.ok) {
      const body = await readJson(response);
      setText('admin-result', response.status + ' OK: ' + (body.message || ''), 'result ok');
    } else if (response.status === 403) {
      setText('admin-result', '403 Forbidden', 'result denied');
    } else {
      setText('admin-result', response.status + ' ' + (response.statusText || 'Error'), 'result denied');
    }
  }

  async function rememberSession(active) {
    if (dpopKey) {
      await writeRecord(SESSION_RECORD, active);
    }
  }

  async function login(event) {
    event.preventDefault();
    setText('login-message', '');
    const { response, body } = await tokenRequest({
      grant_type: 'password',
      username: $('username').value,
      password: $('password').value,
    });
    if (response.ok) {
      setText('session-status', 'Logged in; access token valid ' + body.expires_in + ' s.');
      await rememberSession(true);
      await showApp();
    } else if (response.status === 429) {
      setText('login-message', 'Too many attempts; try again in ' + (response.headers.get('Retry-After') || 'a few') + ' s.');
    } else {
      setText('login-message', body.error_description || body.detail || ('Login failed (' + response.status + ')'));
    }
  }

  async function logout() {
    try {
      await rememberSession(false);
      // the refresh cookie is only spent (and the login ended) in browser mode, whether or not an access token is left
      await send('/auth/logout', { method: 'POST', headers: { 'X-Token-Delivery': 'cookie' } }, accessToken);
    } finally {
      showLogin('Logged out.');
    }
  }

  // After a reload the access token is gone (memory only) but the key and the refresh cookie are not: one refresh,
  // signed by the same key, resumes the session.
  async function resume() {
    if (!dpopKey || !(await readRecord(SESSION_RECORD))) {
      return; // the login form stays as it is (with what was typed meanwhile)
    }
    if (await refresh()) {
      setText('session-status', 'Session resumed after a reload with this browser\'s key.');
      await showApp();
    } else {
      await rememberSession(false);
    }
  }

  document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', login);
    $('reload-items').addEventListener('click', loadItems);
    $('admin-button').addEventListener('click', openDashboard);
    $('logout-button').addEventListener('click', logout);
    try {
      // WebCrypto only exists in secure contexts (https, or http on localhost)
      dpopKey = (window.isSecureContext && window.indexedDB) ? await loadDpopKey() : null;
    } catch (e) {
      dpopKey = null;
    }
    setText('dpop-key', dpopKey ? 'DPoP key: ' + dpopKey.alg + ', JWK thumbprint ' + dpopKey.thumbprint
      + ' (private key not extractable, kept in IndexedDB)' : 'No DPoP key: WebCrypto is not available here.');
    await resume();
    $('login-button').disabled = false;
    document.body.dataset.ready = 'true';
  });
})();
