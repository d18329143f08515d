// Interop (issue 11, item 4): oauth4webapi, a standards-strict OAuth 2 client from npm with DPoP support
// (RFC 9449), against the running demo stack: RFC 8414 discovery, the password grant, a refresh and the client
// credentials grant with DPoP, and gateway calls with the DPoP-bound tokens. Everything it refuses is a bug of ours.
// Expects the demo stack of e2e/run.sh.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { decodeJwt } from './dpop.mjs';

const BASE = process.env.GATEHOUSE_URL ?? 'http://localhost:8080';
// the demo auth-service's issuer; its metadata is served at <issuer>/.well-known/oauth-authorization-server
const ISSUER = new URL(process.env.GATEHOUSE_ISSUER ?? 'http://localhost:9000');
// plain http is the demo's (localhost only); oauth4webapi refuses it unless told
const HTTP = { [oauth.allowInsecureRequests]: true };

let as;

before(async () => {
  as = await oauth.processDiscoveryResponse(ISSUER,
    await oauth.discoveryRequest(ISSUER, { algorithm: 'oauth2', ...HTTP }));
});

/** The proof algorithm a client picks: the first the server lists (RFC 8414, RFC 9449 section 5.1). */
function dpopAlgorithm() {
  assert.ok(Array.isArray(as.dpop_signing_alg_values_supported), 'metadata lists dpop_signing_alg_values_supported');
  return as.dpop_signing_alg_values_supported[0];
}

/** One request (made again once when the server asks for a DPoP nonce), as oauth4webapi's documentation shows. */
async function retryingOnNonce(attempt) {
  try {
    return await attempt();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) {
      throw error;
    }
    return attempt();
  }
}

async function thumbprintOf(keyPair) {
  return oauth.DPoP({}, keyPair).calculateThumbprint();
}

test('metadata names the DPoP algorithms and a token endpoint', () => {
  assert.ok(as.token_endpoint);
  assert.ok(as.dpop_signing_alg_values_supported.length > 0);
  for (const alg of as.dpop_signing_alg_values_supported) {
    assert.match(alg, /^(RS256|PS256|ES256|EdDSA)$/, 'asymmetric algorithms only');
  }
});

test('oauth4webapi: password grant, refresh and a gateway call, all with DPoP', { timeout: 60_000 }, async () => {
  const client = { client_id: 'gatehouse-web' };
  const keyPair = await oauth.generateKeyPair(dpopAlgorithm());
  const DPoP = oauth.DPoP(client, keyPair);
  const jkt = await thumbprintOf(keyPair);

  const login = await retryingOnNonce(async () => oauth.processGenericTokenEndpointResponse(as, client,
    await oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'password',
      { username: 'johndoe', password: 'secret' }, { DPoP, ...HTTP })));
  assert.equal(login.token_type, 'dpop');
  assert.ok(login.refresh_token);
  assert.equal(decodeJwt(login.access_token).claims.cnf?.jkt, jkt);

  const items = await retryingOnNonce(() => oauth.protectedResourceRequest(login.access_token, 'GET',
    new URL(BASE + '/api/items'), undefined, undefined, { DPoP, ...HTTP }));
  assert.equal(items.status, 200);
  const owned = await items.json();
  assert.ok(owned.length > 0 && owned.every((item) => item.owner === 'johndoe'), JSON.stringify(owned));

  const refreshed = await retryingOnNonce(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), login.refresh_token, { DPoP, ...HTTP })));
  assert.equal(refreshed.token_type, 'dpop');
  assert.notEqual(refreshed.refresh_token, login.refresh_token, 'rotated');
  assert.equal(decodeJwt(refreshed.access_token).claims.cnf?.jkt, jkt);

  const echo = await retryingOnNonce(() => oauth.protectedResourceRequest(refreshed.access_token, 'POST',
    new URL(BASE + '/api/echo/interop?q=1'), new Headers({ 'Content-Type': 'application/json' }), '{"a":1}',
    { DPoP, ...HTTP }));
  assert.equal(echo.status, 200);
});

test('oauth4webapi: a refresh with another key is refused, the bound login goes on', { timeout: 60_000 }, async () => {
  const client = { client_id: 'gatehouse-web' };
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair(dpopAlgorithm()));
  const login = await retryingOnNonce(async () => oauth.processGenericTokenEndpointResponse(as, client,
    await oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'password',
      { username: 'alice', password: 'wonderland' }, { DPoP, ...HTTP })));

  const otherKey = oauth.DPoP(client, await oauth.generateKeyPair(dpopAlgorithm()));
  await assert.rejects(retryingOnNonce(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), login.refresh_token, { DPoP: otherKey, ...HTTP }))),
  (error) => error instanceof oauth.ResponseBodyError && error.status === 400
    && /^(invalid_grant|invalid_dpop_proof)$/.test(error.error));

  const refreshed = await retryingOnNonce(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), login.refresh_token, { DPoP, ...HTTP })));
  assert.equal(refreshed.token_type, 'dpop');
});

test('oauth4webapi: a DPoP-bound token sent as Bearer gets a challenge it can read', { timeout: 60_000 }, async () => {
  const client = { client_id: 'gatehouse-web' };
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair(dpopAlgorithm()));
  const login = await retryingOnNonce(async () => oauth.processGenericTokenEndpointResponse(as, client,
    await oauth.genericTokenEndpointRequest(as, client, oauth.None(), 'password',
      { username: 'johndoe', password: 'secret' }, { DPoP, ...HTTP })));

  await assert.rejects(oauth.protectedResourceRequest(login.access_token, 'GET', new URL(BASE + '/api/items'),
    undefined, undefined, HTTP), (error) => {
    assert.ok(error instanceof oauth.WWWAuthenticateChallengeError, String(error));
    assert.equal(error.response.status, 401);
    assert.ok(error.cause.some((challenge) => challenge.parameters.error === 'invalid_token'),
      JSON.stringify(error.cause));
    return true;
  });
});

test('oauth4webapi: client credentials with DPoP and a gateway call', { timeout: 60_000 }, async () => {
  const client = { client_id: 'reports-service' };
  const keyPair = await oauth.generateKeyPair(dpopAlgorithm());
  const DPoP = oauth.DPoP(client, keyPair);

  const issued = await retryingOnNonce(async () => oauth.processClientCredentialsResponse(as, client,
    await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('reports-secret'),
      { scope: 'reports:read' }, { DPoP, ...HTTP })));
  assert.equal(issued.token_type, 'dpop');
  assert.equal(issued.refresh_token, undefined);
  assert.equal(decodeJwt(issued.access_token).claims.cnf?.jkt, await thumbprintOf(keyPair));

  const echo = await retryingOnNonce(() => oauth.protectedResourceRequest(issued.access_token, 'GET',
    new URL(BASE + '/api/echo/reports'), undefined, undefined, { DPoP, ...HTTP }));
  assert.equal(echo.status, 200);
});
