/* Stoa's signing module: log in, keep keys in this browser only, sign and broadcast with dsteem.
 *
 * window.Stoa.login(name, secret, remember)  name + password (keys derived as dsteem's
 *   PrivateKey.fromLogin) or a private key in WIF; each key is checked against the account's
 *   authorities from condenser_api.get_accounts before it is kept.
 * window.Stoa.user()                         the logged-in account name, or null.
 * window.Stoa.broadcast(operations, role)    signs with the kept `role` key ("posting" or "active";
 *   an active key also signs posting operations) and broadcasts; resolves to the node's answer,
 *   rejects with an Error whose message is the node's.
 * window.Stoa.logout()
 *
 * Keys live in sessionStorage (localStorage with "remember me") and go nowhere else: the only
 * requests made here are get_accounts (a name) and the signed transaction (signatures, no keys).
 * The network's chain id and address prefix come from <body data-chain-id data-prefix>.
 */
(function () {
  'use strict';
  const STORE = 'stoa.session';
  const ROLES = ['posting', 'active'];

  function network() {
    const body = document.body;
    return { chainId: body.dataset.chainId, addressPrefix: body.dataset.prefix || 'STM' };
  }

  let clientCache = null;
  function client() {
    if (!clientCache) {
      const net = network();
      clientCache = new dsteem.Client(window.location.origin + '/', {
        chainId: net.chainId, addressPrefix: net.addressPrefix, timeout: 30000,
      });
    }
    return clientCache;
  }

  function stored() {
    const raw = window.sessionStorage.getItem(STORE) || window.localStorage.getItem(STORE);
    try {
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  async function account(name) {
    const [found] = await client().database.getAccounts([name]);
    if (!found) throw new Error(`There is no account named @${name}.`);
    return found;
  }

  // A public key alone satisfies an authority when its weight reaches the threshold.
  function signsFor(authority, publicKey) {
    return authority.key_auths.some(([key, weight]) => key === publicKey && weight >= authority.weight_threshold);
  }

  function publicOf(key) {
    return key.createPublic(network().addressPrefix).toString();
  }

  // The roles (posting, active) each candidate key can sign for on the chain's current account.
  function matchKeys(found, candidates) {
    const keys = {};
    for (const role of ROLES) {
      for (const key of candidates) {
        if (signsFor(found[role], publicOf(key))) keys[role] = key.toString();
      }
    }
    return keys;
  }

  function candidatesFrom(name, secret) {
    if (/^5[HJK][1-9A-HJ-NP-Za-km-z]{49}$/.test(secret)) {
      return [dsteem.PrivateKey.fromString(secret)];
    }
    return ROLES.map((role) => dsteem.PrivateKey.fromLogin(name, secret, role));
  }

  async function login(name, secret, remember) {
    name = name.trim().toLowerCase().replace(/^@/, '');
    const found = await account(name);
    let candidates;
    try {
      candidates = candidatesFrom(name, secret);
    } catch (error) {
      throw new Error('That private key is not valid.');
    }
    const keys = matchKeys(found, candidates);
    if (!keys.posting && !keys.active) {
      const owner = candidates.some((key) => signsFor(found.owner, publicOf(key)));
      throw new Error(owner
        ? 'That is the owner key: log in with the password, the posting key or the active key.'
        : 'Incorrect password or key for this account.');
    }
    logout();
    (remember ? window.localStorage : window.sessionStorage).setItem(STORE, JSON.stringify({ name, keys }));
    return name;
  }

  function logout() {
    window.sessionStorage.removeItem(STORE);
    window.localStorage.removeItem(STORE);
  }

  function user() {
    const session = stored();
    return session ? session.name : null;
  }

  // The kept key for `role`, checked again against the account's authorities before it signs.
  async function signingKey(role) {
    const session = stored();
    if (!session) throw new Error('Log in first.');
    const wif = session.keys[role] || (role === 'posting' ? session.keys.active : null);
    if (!wif) throw new Error(`This needs your ${role} key: log in with your password or ${role} key.`);
    const key = dsteem.PrivateKey.fromString(wif);
    const found = await account(session.name);
    if (!signsFor(found[role], publicOf(key)) && !signsFor(found.active, publicOf(key))) {
      logout();
      throw new Error('Your keys no longer match the account; log in again.');
    }
    return key;
  }

  async function broadcast(operations, role) {
    const key = await signingKey(role);
    try {
      return await client().broadcast.sendOperations(operations, key);
    } catch (error) {
      throw new Error(error && error.message ? error.message : String(error));
    }
  }

  window.Stoa = { login, logout, user, broadcast, client };
})();
