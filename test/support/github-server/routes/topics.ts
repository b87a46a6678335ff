/** Repository topics: get all, replace all. */
import { ApiError } from '../errors.js';
import { route } from '../router.js';
import { repoOf } from './common.js';

const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;

export const routes = [
  route('GET', '/repos/{owner}/{repo}/topics', (ctx) => ({ status: 200, body: { names: [...repoOf(ctx).topics] } })),
  route('PUT', '/repos/{owner}/{repo}/topics', (ctx) => {
    const repo = repoOf(ctx);
    // "Topic names will be saved as lowercase."
    const names = [...new Set((ctx.body.names as string[]).map((n) => n.trim().toLowerCase()))];
    const invalid = names.filter((n) => !TOPIC.test(n));
    if (invalid.length > 0 || names.length > 20) {
      // The description of this 422 is "Validation Error Simple": `errors` are strings.
      throw new ApiError(422, 'Validation Failed', ctx.docs, [
        invalid.length > 0
          ? `${invalid.map((n) => `"${n}"`).join(', ')} ${invalid.length === 1 ? 'is' : 'are'} invalid. Topics must start with a lowercase letter or number, consist of 50 characters or less, and can include hyphens.`
          : 'A repository cannot have more than 20 topics.',
      ]);
    }
    repo.topics = names;
    return { status: 200, body: { names } };
  }),
];
