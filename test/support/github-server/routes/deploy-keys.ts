/** Deploy keys: list, create, get, delete. A key may be used by one repo only, as on GitHub. */
import { ApiError, notFound } from '../errors.js';
import { deployKey } from '../json.js';
import { route, type RouteContext } from '../router.js';
import { now } from '../state.js';
import { repoOf } from './common.js';

const PUBLIC_KEY =
  /^(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/;

function keyOf(ctx: RouteContext) {
  const repo = repoOf(ctx);
  const key = repo.deployKeys.find((k) => String(k.id) === ctx.params.key_id);
  if (!key) throw notFound(ctx.docs);
  return { repo, key };
}

export const routes = [
  route('GET', '/repos/{owner}/{repo}/keys', (ctx) => {
    const repo = repoOf(ctx);
    return { status: 200, body: repo.deployKeys.map((k) => deployKey(ctx.state, repo, k)) };
  }),
  route('POST', '/repos/{owner}/{repo}/keys', (ctx) => {
    const repo = repoOf(ctx);
    const match = PUBLIC_KEY.exec(String(ctx.body.key).trim());
    const invalid = (message: string) =>
      new ApiError(422, 'Validation Failed', ctx.docs, [{ resource: 'PublicKey', code: 'custom', field: 'key', message }]);
    if (!match) throw invalid('key is invalid. You must supply a key in OpenSSH public key format');
    // GitHub keeps the type and key, not the comment.
    const key = `${match[1]} ${match[2]}`;
    if (ctx.state.deployKeyInUse(key)) throw invalid('key is already in use');
    const record = {
      id: ctx.state.nextId(),
      title: ctx.body.title ?? '',
      key,
      readOnly: ctx.body.read_only !== false,
      createdAt: now(),
      addedBy: ctx.user.login,
    };
    repo.deployKeys.push(record);
    const json = deployKey(ctx.state, repo, record);
    return { status: 201, body: json, headers: { location: String(json.url) } };
  }),
  route('GET', '/repos/{owner}/{repo}/keys/{key_id}', (ctx) => {
    const { repo, key } = keyOf(ctx);
    return { status: 200, body: deployKey(ctx.state, repo, key) };
  }),
  route('DELETE', '/repos/{owner}/{repo}/keys/{key_id}', (ctx) => {
    const { repo, key } = keyOf(ctx);
    repo.deployKeys.splice(repo.deployKeys.indexOf(key), 1);
    return { status: 204 };
  }),
];
