// DPoP (RFC 9449) helpers for the e2e tests: proofs signed in Node with keys of the test's own (the "attacker"),
// or in the demo page with the page's own key from its IndexedDB, and small JWT readers.
import { webcrypto } from 'node:crypto';

/**
 * A DPoP proof (compact JWS). Self-contained (only WebCrypto, TextEncoder and btoa) so that it also runs inside the
 * page, where `proofInPage` sends its source.
 */
export async function dpopProof({ privateKey, publicJwk, alg, htm, htu, accessToken, nonce }) {
  const subtle = globalThis.crypto.subtle;
  const encode = (text) => new TextEncoder().encode(text);
  const base64url = (bytes) => {
    let binary = '';
    for (const byte of new Uint8Array(bytes)) {
      binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const members = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }[publicJwk.kty];
  const jwk = Object.fromEntries(members.map((member) => [member, publicJwk[member]]));
  const header = { typ: 'dpop+jwt', alg, jwk };
  const claims = {
    jti: base64url(globalThis.crypto.getRandomValues(new Uint8Array(16))),
    htm,
    htu,
    iat: Math.floor(Date.now() / 1000),
  };
  if (accessToken) {
    claims.ath = base64url(await subtle.digest('SHA-256', encode(accessToken)));
  }
  if (nonce) {
    claims.nonce = nonce;
  }
  const signing = {
    RS256: { name: 'RSASSA-PKCS1-v1_5' },
    PS256: { name: 'RSA-PSS', saltLength: 32 },
    ES256: { name: 'ECDSA', hash: 'SHA-256' },
    EdDSA: { name: 'Ed25519' },
  }[alg];
  const input = base64url(encode(JSON.stringify(header))) + '.' + base64url(encode(JSON.stringify(claims)));
  return input + '.' + base64url(await subtle.sign(signing, privateKey, encode(input)));
}

/** An RS256 key pair of the test's own: not the page's key. */
export async function otherKey() {
  const keyPair = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign', 'verify']);
  const publicJwk = await webcrypto.subtle.exportKey('jwk', keyPair.publicKey);
  return { alg: 'RS256', privateKey: keyPair.privateKey, publicJwk };
}

/** The RFC 7638 SHA-256 thumbprint of a public JWK. */
export async function thumbprint(publicJwk) {
  const members = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] }[publicJwk.kty];
  const canonical = JSON.stringify(Object.fromEntries(members.map((member) => [member, publicJwk[member]])));
  const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return Buffer.from(digest).toString('base64url');
}

/** A JWT's (or JWS's) header and claims, unverified. */
export function decodeJwt(jwt) {
  const [header, claims] = jwt.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return { header, claims };
}

// Reads the page's key record from IndexedDB (the database and store app.js uses).
const READ_PAGE_KEY = `new Promise((resolve, reject) => {
  const open = indexedDB.open('gatehouse-demo');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction('dpop').objectStore('dpop').get('key');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})`;

/**
 * A proof signed in the page with the page's own key (what only code running in that origin can do): shows that a
 * refusal was for the key, not for the token.
 */
export function proofInPage(page, { htm, htu, accessToken, nonce }) {
  const args = JSON.stringify({ htm, htu, accessToken, nonce });
  return page.evaluate(`(async () => {
    const stored = await ${READ_PAGE_KEY};
    const publicJwk = await crypto.subtle.exportKey('jwk', stored.keyPair.publicKey);
    return (${dpopProof.toString()})({ privateKey: stored.keyPair.privateKey, publicJwk, alg: stored.alg, ...${args} });
  })()`);
}

/** The page's stored key: its algorithm, public JWK, and whether the private key could be exported. */
export function pageKey(page) {
  return page.evaluate(`(async () => {
    const stored = await ${READ_PAGE_KEY};
    if (!stored) {
      return null;
    }
    let exportable = true;
    try {
      await crypto.subtle.exportKey('jwk', stored.keyPair.privateKey);
    } catch (e) {
      exportable = false;
    }
    return { alg: stored.alg, publicJwk: await crypto.subtle.exportKey('jwk', stored.keyPair.publicKey),
      privateKeyExtractable: stored.keyPair.privateKey.extractable, exportable };
  })()`);
}
