// DPoP (RFC 9449) in a real browser: the demo page (/app) keeps a non-extractable key pair in IndexedDB and proves
// possession of it on every token request and API call. Proves that the page works with DPoP-bound tokens (login,
// API calls, a refresh after the access token expired, a reload) and that copies of its tokens are useless
// without its key. Expects the demo stack of e2e/run.sh (5 s access-token TTL, gateway clock skew 0 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { decodeJwt, dpopProof, otherKey, pageKey, proofInPage, thumbprint } from './dpop.mjs';

const BASE = process.env.GATEHOUSE_URL ?? 'http://localhost:8080';
const TOKEN_URL = BASE + '/auth/token';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const ACCESS_TOKEN_TTL_SECONDS = Number(process.env.E2E_ACCESS_TOKEN_TTL_SECONDS ?? 5);
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
});

after(async () => {
  await browser?.close();
});

/**
 * A fresh browser context (own cookies, own IndexedDB) recording what the page sends: each request to the gateway
 * with its DPoP and Authorization headers, and the token endpoint's successful answers.
 */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const record = { requests: [], tokens: [], pageErrors: [] };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/auth/') || url.pathname.startsWith('/api/') || url.pathname.startsWith('/admin/')) {
      const headers = request.headers();
      record.requests.push({ method: request.method(), url: request.url(), path: url.pathname,
        grant: url.pathname === '/auth/token' ? new URLSearchParams(request.postData() ?? '').get('grant_type') : null,
        dpop: headers.dpop, authorization: headers.authorization });
    }
  });
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname === '/auth/token' && response.status() === 200) {
      record.tokens.push(await response.json());
    }
  });
  page.on('pageerror', (error) => record.pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      record.pageErrors.push(message.text());
    }
  });
  return { context, page, record };
}

async function open(page) {
  const response = await page.goto(BASE + '/app/');
  assert.equal(response.status(), 200);
  await page.waitForSelector('body[data-ready="true"]');
}

async function login(page, username, password) {
  await open(page);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#login-button');
  await page.waitForSelector('#app-view:not([hidden])');
  await page.waitForSelector('#items li');
}

async function shot(page, name) {
  await page.screenshot({ path: ARTIFACTS + name + '.png', fullPage: true });
}

const grantsSent = (record) => record.requests.filter((request) => request.grant).map((request) => request.grant);

/** Asserts that a proof is a well-formed RFC 9449 proof for this request, signed by the key of that thumbprint. */
async function assertProof(proof, { htm, htu, accessToken, jkt }) {
  assert.ok(proof, `a DPoP header on ${htm} ${htu}`);
  const { header, claims } = decodeJwt(proof);
  assert.equal(header.typ, 'dpop+jwt');
  assert.equal(header.alg, 'RS256');
  assert.deepEqual(Object.keys(header.jwk).sort(), ['e', 'kty', 'n'], 'a public JWK only');
  assert.equal(await thumbprint(header.jwk), jkt);
  assert.equal(claims.htm, htm);
  assert.equal(claims.htu, htu);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 30, 'iat is now');
  assert.match(claims.jti, /^[A-Za-z0-9_-]{16,}$/);
  if (accessToken) {
    const ath = (await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
    assert.equal(claims.ath, Buffer.from(ath).toString('base64url'));
  } else {
    assert.equal(claims.ath, undefined);
  }
}

function tokenForm(params) {
  return { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params) };
}

test('the page logs in with DPoP, gets DPoP-bound tokens and calls the API with a proof per request',
  { timeout: 60_000 }, async () => {
    const { context, page, record } = await openPage();
    try {
      await login(page, 'johndoe', 'secret');
      const key = await pageKey(page);
      assert.equal(key.alg, 'RS256');
      assert.equal(key.privateKeyExtractable, false);
      assert.equal(key.exportable, false, 'the private key cannot leave WebCrypto');
      const jkt = await thumbprint(key.publicJwk);

      assert.equal(record.tokens.length, 1);
      const [response] = record.tokens;
      assert.equal(response.token_type, 'DPoP');
      assert.equal(response.refresh_token, undefined, 'the refresh token stays in the HttpOnly cookie');
      assert.equal(decodeJwt(response.access_token).claims.cnf?.jkt, jkt, 'the access token is bound to the page key');
      assert.match(await page.textContent('#token-binding'), new RegExp('^token_type: DPoP, bound to this browser\'s '
        + 'RS256 key \\(JWK thumbprint ' + jkt + '\\)'));

      const passwordGrant = record.requests.find((request) => request.grant === 'password');
      await assertProof(passwordGrant.dpop, { htm: 'POST', htu: TOKEN_URL, jkt });
      assert.equal(passwordGrant.authorization, undefined);
      const calls = record.requests.filter((request) => ['/api/items', '/auth/users/me'].includes(request.path));
      assert.ok(calls.length >= 2, 'it called the API');
      const proofs = new Set();
      for (const call of calls) {
        assert.equal(call.authorization, 'DPoP ' + response.access_token);
        await assertProof(call.dpop, { htm: 'GET', htu: BASE + call.path, accessToken: response.access_token, jkt });
        proofs.add(decodeJwt(call.dpop).claims.jti);
      }
      assert.equal(proofs.size, calls.length, 'a fresh proof (jti) per request');
      assert.equal(await page.textContent('#whoami'), 'johndoe');
      const items = await page.$$eval('#items li', (lis) => lis.map((li) => li.textContent));
      assert.ok(items.length > 0 && items.every((item) => item.endsWith('(owner: johndoe)')), items.join());
      await shot(page, 'dpop-01-bound-tokens');
      assert.deepEqual(record.pageErrors, []);
    } finally {
      await context.close();
    }
  });

test('a reload keeps the key and the session: one refresh signed by the same key, no new login',
  { timeout: 60_000 }, async () => {
    const { context, page, record } = await openPage();
    try {
      await login(page, 'johndoe', 'secret');
      const jkt = await thumbprint((await pageKey(page)).publicJwk);

      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForSelector('#app-view:not([hidden])');
      await page.waitForSelector('#items li');

      assert.equal(await thumbprint((await pageKey(page)).publicJwk), jkt, 'the same key after the reload');
      assert.deepEqual(grantsSent(record).filter((grant, i, all) => grant !== all[i - 1]),
        ['password', 'refresh_token'], 'resumed by a refresh, not a login');
      const refresh = record.requests.find((request) => request.grant === 'refresh_token');
      await assertProof(refresh.dpop, { htm: 'POST', htu: TOKEN_URL, jkt });
      assert.equal(record.tokens.length, 2);
      assert.equal(record.tokens[1].token_type, 'DPoP');
      assert.equal(decodeJwt(record.tokens[1].access_token).claims.cnf?.jkt, jkt);
      assert.equal(await page.textContent('#whoami'), 'johndoe');
      assert.match(await page.textContent('#session-status'), /resumed/);
      await shot(page, 'dpop-02-reloaded');
      assert.deepEqual(record.pageErrors, []);
    } finally {
      await context.close();
    }
  });

test('a copied access token gets 401 without the page key (as Bearer, with a proof of another key), at the gateway '
  + 'and at the auth-service', { timeout: 60_000 }, async () => {
    const { context, page, record } = await openPage();
    try {
      await login(page, 'johndoe', 'secret');
      const token = record.tokens.at(-1).access_token;
      const url = BASE + '/api/items';

      // the thief's copy, as a bearer token
      const asBearer = await fetch(url, { headers: { Authorization: 'Bearer ' + token } });
      assert.equal(asBearer.status, 401);
      assert.match(asBearer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

      // as a DPoP token with a correct proof (htm, htu, ath) signed by a key of the thief's own
      const thief = await otherKey();
      const asDpop = await fetch(url, { headers: { Authorization: 'DPoP ' + token,
        DPoP: await dpopProof({ ...thief, htm: 'GET', htu: url, accessToken: token }) } });
      assert.equal(asDpop.status, 401);
      assert.match(asDpop.headers.get('www-authenticate') ?? '', /^DPoP /);

      // the auth-service's own API (through the gateway's public /auth/** route) refuses the copy the same ways
      const me = BASE + '/auth/users/me';
      const meAsBearer = await fetch(me, { headers: { Authorization: 'Bearer ' + token } });
      assert.equal(meAsBearer.status, 401);
      const meWithOtherKey = await fetch(me, { headers: { Authorization: 'DPoP ' + token,
        DPoP: await dpopProof({ ...thief, htm: 'GET', htu: me, accessToken: token }) } });
      assert.equal(meWithOtherKey.status, 401);
      assert.match(meWithOtherKey.headers.get('www-authenticate') ?? '', /^DPoP /);

      // the same copy with a proof of the page's key (signed inside the page): accepted, so the refusals above were
      // for the key
      for (const target of [url, me]) {
        const withPageKey = await fetch(target, { headers: { Authorization: 'DPoP ' + token,
          DPoP: await proofInPage(page, { htm: 'GET', htu: target, accessToken: token }) } });
        assert.equal(withPageKey.status, 200, target);
      }
      assert.deepEqual(record.pageErrors, []);
    } finally {
      await context.close();
    }
  });

test('a copied refresh token is refused without the page key, and the page refreshes with its key after the TTL',
  { timeout: 60_000 }, async () => {
    const { context, page, record } = await openPage();
    try {
      await login(page, 'johndoe', 'secret');
      const jkt = await thumbprint((await pageKey(page)).publicJwk);
      const cookie = (await context.cookies(TOKEN_URL)).find((c) => c.name === 'refresh_token');
      assert.ok(cookie, 'refresh token cookie set');

      // the copied cookie, replayed as the browser would send it, without a proof
      const asCookie = await fetch(TOKEN_URL, { ...tokenForm({ grant_type: 'refresh_token' }),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Token-Delivery': 'cookie',
          Origin: BASE, Cookie: 'refresh_token=' + cookie.value } });
      assert.equal(asCookie.status, 400);
      // the copied value as a refresh_token parameter, without a proof, and with a proof of another key
      const withoutProof = await fetch(TOKEN_URL,
        tokenForm({ grant_type: 'refresh_token', refresh_token: cookie.value }));
      assert.equal(withoutProof.status, 400);
      const thief = await otherKey();
      const withOtherKey = await fetch(TOKEN_URL, { ...tokenForm({ grant_type: 'refresh_token',
        refresh_token: cookie.value }), headers: { 'Content-Type': 'application/x-www-form-urlencoded',
        DPoP: await dpopProof({ ...thief, htm: 'POST', htu: TOKEN_URL }) } });
      assert.equal(withOtherKey.status, 400);
      for (const refused of [asCookie, withoutProof, withOtherKey]) {
        assert.match((await refused.json()).error, /^(invalid_grant|invalid_dpop_proof)$/);
      }

      // the login is untouched: once the access token expired, the page refreshes with its own key
      await page.waitForTimeout((ACCESS_TOKEN_TTL_SECONDS + 1.5) * 1000);
      const retried = page.waitForResponse((response) => response.url() === BASE + '/api/items'
        && response.status() === 200);
      await page.click('#reload-items');
      await retried;
      await page.waitForFunction(() => /refreshed/.test(document.getElementById('session-status').textContent));
      assert.deepEqual(grantsSent(record).filter((grant, i, all) => grant !== all[i - 1]),
        ['password', 'refresh_token']);
      const refresh = record.requests.findLast((request) => request.grant === 'refresh_token');
      await assertProof(refresh.dpop, { htm: 'POST', htu: TOKEN_URL, jkt });
      const refreshed = record.tokens.at(-1);
      assert.equal(refreshed.token_type, 'DPoP');
      assert.equal(decodeJwt(refreshed.access_token).claims.cnf?.jkt, jkt);
      assert.equal(await page.isVisible('#login-view'), false);
      await shot(page, 'dpop-03-refreshed-after-replays');
      assert.deepEqual(record.pageErrors, []);
    } finally {
      await context.close();
    }
  });

test('the page answers a server\'s use_dpop_nonce with one retry whose proof carries that nonce', { timeout: 60_000 },
  async () => {
    // e2e/run.sh runs the services with nonces off (their default): here the first answer of each server is replaced
    // by the challenge it sends when nonces are on; the retry goes to the real server
    const { context, page, record } = await openPage();
    try {
      const challenged = new Set();
      const challenge = (path, answer) => page.route(BASE + path, (route) => {
        if (challenged.has(path)) {
          return route.fallback();
        }
        challenged.add(path);
        return route.fulfill(answer);
      });
      await challenge('/auth/token', { status: 400, contentType: 'application/json',
        headers: { 'DPoP-Nonce': 'auth-nonce-1', 'Cache-Control': 'no-store' }, body: '{"error":"use_dpop_nonce"}' });
      await challenge('/api/items', { status: 401, contentType: 'application/problem+json',
        headers: { 'DPoP-Nonce': 'gateway-nonce-1', 'WWW-Authenticate': 'DPoP error="use_dpop_nonce", '
          + 'error_description="Resource server requires nonce in DPoP proof", algs="RS256 PS256 ES256 EdDSA"' },
        body: '{"status":401}' });
      await login(page, 'johndoe', 'secret');

      const sent = (path) => record.requests.filter((request) => request.path === path)
        .map((request) => decodeJwt(request.dpop).claims);
      const tokenProofs = sent('/auth/token');
      assert.deepEqual(tokenProofs.map((claims) => claims.nonce), [undefined, 'auth-nonce-1']);
      const itemProofs = sent('/api/items');
      assert.deepEqual(itemProofs.map((claims) => claims.nonce), [undefined, 'gateway-nonce-1']);
      assert.notEqual(itemProofs[0].jti, itemProofs[1].jti);
      // the auth-service's nonce is not sent to the gateway, nor the other way round
      assert.ok(sent('/auth/users/me').every((claims) => claims.nonce !== 'gateway-nonce-1'));
      assert.deepEqual(record.tokens.map((token) => token.token_type), ['DPoP']);
      assert.equal(await page.textContent('#whoami'), 'johndoe');
      assert.deepEqual(record.pageErrors, []);
    } finally {
      await context.close();
    }
  });
