// A local OpenID Provider for the netid-ciba interop tests: panva's oidc-provider with CIBA poll
// mode and private_key_jwt client authentication, listening on 127.0.0.1 only.
//
// Usage: node server.mjs [port]   (port 0 or absent: any free port)
// Prints one line `NETID_OIDC_PROVIDER_URL=http://127.0.0.1:<port>` once it accepts requests.
//
// The login_hint picks what the simulated user does (see README.md):
//   tel:+33699900001  approves after 2.5 s (also with a signed `request` object)
//   tel:+33699900002  denies after 1.5 s
//   tel:+33699900003  never answers (the client asks for requested_expiry=3)
//   tel:+33699900004  approves after 3 s; the first pending poll is answered slow_down
//   tel:+33699900005  approves after 1 s; no `interval` is announced (the client must use 5 s)
//   anything else     unknown_user_id
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider, { errors } from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const keys = join(here, '..', '..', 'crates', 'ciba', 'tests', 'fixtures', 'keys');
const clientJwks = JSON.parse(readFileSync(join(keys, 'client-jwks.json'), 'utf8'));
const opKey = { ...createPrivateKey(readFileSync(join(keys, 'op-rsa.pem'))).export({ format: 'jwk' }), kid: 'op-1', alg: 'RS256', use: 'sig' };

const SCENARIOS = {
  '+33699900001': { name: 'approve', after: 2500, interval: 1 },
  '+33699900002': { name: 'deny', after: 1500, interval: 1 },
  '+33699900003': { name: 'expire', after: null, interval: 1 },
  '+33699900004': { name: 'slow-down', after: 3000, interval: 1, slowDown: true },
  '+33699900005': { name: 'default-interval', after: 1000, interval: null },
};

const scenarioOf = (accountId) => SCENARIOS[accountId];
const slowedDown = new Set();
const timers = new Set();

const server = createServer();
await new Promise((resolve) => server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'netid-interop',
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
    response_types: [],
    redirect_uris: [],
    backchannel_token_delivery_mode: 'poll',
    jwks: clientJwks,
  }],
  jwks: { keys: [opKey] },
  cookies: { keys: ['netid-interop-only'] },
  findAccount: (ctx, accountId) => (scenarioOf(accountId) ? { accountId, claims: () => ({ sub: accountId }) } : undefined),
  features: {
    devInteractions: { enabled: false },
    // Signed authentication requests (the `request` JWT of CIBA Core 7.1.1): the provider checks
    // iss = client id, aud = its issuer, exp, iat, nbf and jti, and the signature with the client's keys.
    requestObjects: { enabled: true },
    ciba: {
      enabled: true,
      deliveryModes: ['poll'],
      processLoginHint: (ctx, loginHint) => {
        const number = loginHint.startsWith('tel:') ? loginHint.slice(4) : undefined;
        return number && scenarioOf(number) ? number : undefined;
      },
      validateBindingMessage: async () => {},
      validateRequestContext: async () => {},
      verifyUserCode: async () => {},
      triggerAuthenticationDevice: async (ctx, request, account, client) => {
        const scenario = scenarioOf(account.accountId);
        if (scenario.after === null) return;
        const timer = setTimeout(async () => {
          timers.delete(timer);
          try {
            if (scenario.name === 'deny') {
              await provider.backchannelResult(request, new errors.AccessDenied('the user refused'));
            } else {
              const grant = new provider.Grant({ clientId: client.clientId, accountId: account.accountId });
              grant.addOIDCScope(request.scope);
              await grant.save();
              await provider.backchannelResult(request, grant, { authTime: Math.floor(Date.now() / 1000) });
            }
          } catch (err) {
            console.error('simulated user failed:', err);
          }
        }, scenario.after);
        timers.add(timer);
      },
    },
  },
  ttl: {
    BackchannelAuthenticationRequest: (ctx) => {
      const requested = Number(ctx?.oidc?.params?.requested_expiry);
      return Number.isSafeInteger(requested) && requested > 0 ? Math.min(requested, 600) : 120;
    },
  },
});

// Test hooks, documented in README.md: oidc-provider announces no `interval` and never sends
// `slow_down` itself; this middleware adds the scenario's interval to the backchannel answer and
// turns the first `authorization_pending` of the slow-down scenario into a real `slow_down` answer.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/backchannel' && ctx.status === 200 && ctx.body?.auth_req_id) {
    const hint = ctx.oidc?.params?.login_hint ?? '';
    const scenario = scenarioOf(hint.slice(4));
    if (scenario?.interval) ctx.body = { ...ctx.body, interval: scenario.interval };
  }
  if (ctx.path === '/token' && ctx.body?.error === 'authorization_pending') {
    const id = ctx.oidc?.params?.auth_req_id;
    const request = id && await provider.BackchannelAuthenticationRequest.find(id, { ignoreExpiration: true });
    if (request && scenarioOf(request.accountId)?.slowDown && !slowedDown.has(id)) {
      slowedDown.add(id);
      ctx.body = { error: 'slow_down', error_description: 'poll less often' };
    }
  }
});

server.on('request', provider.callback());

const stop = () => {
  for (const timer of timers) clearTimeout(timer);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

console.log(`NETID_OIDC_PROVIDER_URL=${issuer}`);
