/**
 * A tiny router: each resource file exports `RouteDef`s whose path is the OpenAPI path template of
 * the operation (so responses are checked against that operation), with `{name+}` for a parameter
 * that may span several segments (git refs such as `heads/feature/x`, which Octokit sends either
 * percent-encoded or as plain slashes).
 */
import type { Account, ServerState } from './state.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteContext {
  readonly state: ServerState;
  /** The authenticated account. */
  readonly user: Account;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The path as requested (still percent-encoded, no query), e.g. for `Link` headers. */
  readonly path: string;
  /** The JSON request body (already checked against the operation's request schema). */
  readonly body: any;
  /** `documentation_url` of the operation, for error bodies. */
  readonly docs: string;
}

interface Reply {
  readonly status: number;
  /** JSON body; undefined for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RouteContext) => Promise<Reply> | Reply;

export interface RouteDef {
  readonly method: Method;
  /** OpenAPI path template, e.g. `/repos/{owner}/{repo}/git/ref/{ref+}`. */
  readonly path: string;
  readonly handler: Handler;
}

/** Declares a route (one per operation; the resource files list theirs). */
export function route(method: Method, path: string, handler: Handler): RouteDef {
  return { method, path, handler };
}

/** The operation key in the OpenAPI subset: `GET /repos/{owner}/{repo}/git/ref/{ref}`. */
export function operationKey(def: Pick<RouteDef, 'method' | 'path'>): string {
  return `${def.method} ${def.path.replaceAll('+}', '}')}`;
}

interface Compiled {
  readonly def: RouteDef;
  readonly regex: RegExp;
  readonly names: string[];
}

export interface Match {
  readonly def: RouteDef;
  readonly params: Record<string, string>;
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly RouteDef[]) {
    const seen = new Set<string>();
    this.compiled = routes.map((def) => {
      const key = operationKey(def);
      if (seen.has(key)) throw new Error(`duplicate route ${key}`);
      seen.add(key);
      const names: string[] = [];
      const source = def.path.replace(/[.*?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(\+?)\}/g, (_m, name: string, plus: string) => {
        names.push(name);
        return plus ? '(.*)' : '([^/]+)';
      });
      return { def, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The route for a method and raw (still percent-encoded) path; GitHub answers 404 for anything else. */
  match(method: string, rawPath: string): Match | undefined {
    for (const c of this.compiled) {
      if (c.def.method !== method) continue;
      const m = c.regex.exec(rawPath);
      if (!m) continue;
      const params: Record<string, string> = {};
      try {
        c.names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1]!);
        });
      } catch {
        return undefined; // malformed percent-encoding
      }
      return { def: c.def, params };
    }
    return undefined;
  }
}
