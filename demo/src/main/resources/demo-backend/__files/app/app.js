// Gatehouse demo page. No inline script anywhere, so it runs under Content-Security-Policy: default-src 'self'.
// The access token is kept in this closure only (never in Web Storage or a script-readable cookie);
// the refresh token is the auth-service's HttpOnly cookie, sent by the browser to /auth only.
'use strict';

(() => {
  let accessToken = null;
  let refreshInFlight = null;

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

  // POST /auth/token in browser mode: the refresh token travels as the HttpOnly cookie, never in the body.
  async function tokenRequest(params) {
    const response = await fetch('/auth/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Token-Delivery': 'cookie',
      },
      body: new URLSearchParams(params),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    return { response, body: await readJson(response) };
  }

  // One refresh at a time: concurrent 401s wait for the same rotation.
  function refresh() {
    if (!refreshInFlight) {
      refreshInFlight = tokenRequest({ grant_type: 'refresh_token' })
        .then(({ response, body }) => {
          accessToken = response.ok ? body.access_token : null;
          if (response.ok) {
            setText('session-status', 'Access token refreshed at ' + new Date().toLocaleTimeString()
              + ' (valid ' + body.expires_in + ' s).');
          }
          return response.ok;
        })
        .catch(() => false)
        .finally(() => { refreshInFlight = null; });
    }
    return refreshInFlight;
  }

  // Call the API with the bearer token; on 401 refresh once and retry once.
  async function api(path, init = {}) {
    const send = () => {
      const headers = new Headers(init.headers || {});
      if (accessToken) {
        headers.set('Authorization', 'Bearer ' + accessToken);
      }
      return fetch(path, { ...init, headers, credentials: 'same-origin', cache: 'no-store' });
    };
    let response = await send();
    if (response.status === 401) {
      if (await refresh()) {
        response = await send();
      }
      if (response.status === 401) {
        showLogin('Your session has ended. Please log in again.');
      }
    }
    return response;
  }

  function showLogin(message) {
    accessToken = null;
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

  async function login(event) {
    event.preventDefault();
    setText('login-message', '');
    const { response, body } = await tokenRequest({
      grant_type: 'password',
      username: $('username').value,
      password: $('password').value,
    });
    if (response.ok) {
      accessToken = body.access_token;
      setText('session-status', 'Logged in; access token valid ' + body.expires_in + ' s.');
      await showApp();
    } else if (response.status === 429) {
      setText('login-message', 'Too many attempts; try again in ' + (response.headers.get('Retry-After') || 'a few') + ' s.');
    } else {
      setText('login-message', body.error_description || body.detail || ('Login failed (' + response.status + ')'));
    }
  }

  async function logout() {
    try {
      // the refresh cookie is only spent (and the login ended) in browser mode, whether or not an access token is left
      const headers = { 'X-Token-Delivery': 'cookie' };
      if (accessToken) {
        headers.Authorization = 'Bearer ' + accessToken;
      }
      await fetch('/auth/logout', {
        method: 'POST',
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } finally {
      showLogin('Logged out.');
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', login);
    $('reload-items').addEventListener('click', loadItems);
    $('admin-button').addEventListener('click', openDashboard);
    $('logout-button').addEventListener('click', logout);
  });
})();
