/** Users: `GET /user`. */
import { privateUser } from '../json.js';
import { route } from '../router.js';

export const routes = [
  route('GET', '/user', (ctx) => ({
    status: 200,
    body: privateUser(ctx.state, ctx.user, ctx.state.repoCounts(ctx.user)),
  })),
];
