// A real OpenID Connect provider (npm oidc-provider v9) on 127.0.0.1 for the sign-in browser test.
// Usage: node provider.js PORT REDIRECT_URI. Test accounts: the login name picks the claims below
// (the provider's development login form takes any name and no password: for tests only).
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const ACCOUNTS = {
  clerk: { role: 'county_staff', region_code: '621122' },  // a county clerk of 陇西县
  leader: { role: 'leader', region_code: '62' },           // a provincial leader of Gansu
  township: { role: 'township_staff', region_code: '621122101' },  // a township clerk of 寨庄镇 in 陇西县
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'incomewatch',
    client_secret: 'incomewatch-test-secret',
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  // Streamlit keeps only ID-token claims: put role and region_code there (as Keycloak's "Add to ID token").
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['preferred_username', 'role', 'region_code'], email: ['email'] },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, preferred_username: id, email: `${id}@example.test`, ...(ACCOUNTS[id] || {}) }),
  }),
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => console.log(`oidc-provider listening on ${port}`));
