import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthorization, gitAuthEnv, gitProcessEnv, redact, simpleGitEnvOptions } from '../../src/publish/git-credentials.js';
import { startGitServer, type StartedGitServer } from '../support/git-server.js';

const TOKEN = 'tok_Abc123+/=secret';

describe('gitAuthEnv', () => {
  it('puts the token in one env config entry as a Basic header, and disables prompts', () => {
    const env = gitAuthEnv(TOKEN);
    expect(env).toEqual({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    });
    expect(gitAuthEnv(TOKEN, 'bot').GIT_CONFIG_VALUE_0).toBe(`Authorization: Basic ${Buffer.from(`bot:${TOKEN}`).toString('base64')}`);
  });

  it('sets only GIT_TERMINAL_PROMPT without a token', () => {
    expect(gitAuthEnv(undefined)).toEqual({ GIT_TERMINAL_PROMPT: '0' });
    expect(gitAuthEnv('')).toEqual({ GIT_TERMINAL_PROMPT: '0' });
  });

  it('drops inherited guarded variables from the process environment', () => {
    const before = { ...process.env };
    process.env.GIT_SSH_COMMAND = 'evil';
    process.env.GIT_CONFIG_COUNT = '7';
    process.env.EDITOR = 'vi';
    try {
      const env = gitProcessEnv(TOKEN);
      expect(env.GIT_SSH_COMMAND).toBeUndefined();
      expect(env.EDITOR).toBeUndefined();
      expect(env.GIT_CONFIG_COUNT).toBe('1');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      for (const key of ['GIT_SSH_COMMAND', 'GIT_CONFIG_COUNT', 'EDITOR']) {
        if (before[key] === undefined) delete process.env[key];
        else process.env[key] = before[key];
      }
    }
  });
});

describe('redact', () => {
  it('replaces the token, its URL-encoded form and any Basic form of it', () => {
    const other = Buffer.from(`someone:${TOKEN}`).toString('base64');
    const text = [
      `token ${TOKEN}`,
      `${basicAuthorization(TOKEN)}`,
      `Authorization: Basic ${other}`,
      `https://x:${encodeURIComponent(TOKEN)}@host/repo.git`,
    ].join('\n');
    const out = redact(text, [TOKEN]);
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain(encodeURIComponent(TOKEN));
    expect(out).not.toContain(basicAuthorization(TOKEN).slice(6));
    expect(out).not.toContain(other);
    expect(out).toContain('***');
    expect(out).toContain('https://x:***@host/repo.git');
  });

  it('leaves text without secrets alone', () => {
    const text = 'fatal: repository http://127.0.0.1:1/x.git/ not found ABCDEFGHIJKLMNOP';
    expect(redact(text, [TOKEN])).toBe(text);
    expect(redact(text, [])).toBe(text);
  });
});

describe('simple-git env guard', () => {
  let dir: string;
  let server: StartedGitServer;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-cred-'));
    server = await startGitServer({ token: TOKEN });
    server.createBareRepo('guard');
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('blocks the config env unless exactly the names and allowUnsafeConfigEnvCount are allowed', async () => {
    const env = gitProcessEnv(TOKEN);
    const url = `${server.url}/guard.git`;
    const { allowEnvironment, unsafe } = simpleGitEnvOptions(env);
    expect(allowEnvironment.sort()).toEqual(['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0', 'GIT_TERMINAL_PROMPT'].sort());
    expect(unsafe).toEqual({ allowUnsafeConfigEnvCount: true });
    // Two separate guards: the unsafe-operations check (argv + env) runs first, then the
    // environment allow-list. Each option alone is not enough.
    await expect(simpleGit({ baseDir: dir }).env(env).raw(['ls-remote', url])).rejects.toThrow(/allowUnsafeConfigEnvCount/);
    await expect(simpleGit({ baseDir: dir, unsafe }).env(env).raw(['ls-remote', url])).rejects.toThrow(/allowEnvironment/);
    await expect(simpleGit({ baseDir: dir, allowEnvironment }).env(env).raw(['ls-remote', url])).rejects.toThrow(
      /allowUnsafeConfigEnvCount/,
    );
    await expect(simpleGit({ baseDir: dir, allowEnvironment, unsafe }).env(env).raw(['ls-remote', url])).resolves.toBe('');
    expect(server.requests.at(-1)).toMatchObject({ status: 200, authorization: basicAuthorization(TOKEN) });
    // Without a token nothing unsafe is enabled, and the server refuses without prompting.
    const bare = gitProcessEnv(undefined);
    expect(simpleGitEnvOptions(bare)).toEqual({ allowEnvironment: ['GIT_TERMINAL_PROMPT'], unsafe: {} });
    await expect(
      simpleGit({ baseDir: dir, ...simpleGitEnvOptions(bare) })
        .env(bare)
        .raw(['ls-remote', url]),
    ).rejects.toThrow(/terminal prompts disabled|could not read Username/);
  });

  it('git itself accepts the env config (no argv, no config file)', () => {
    const out = execFileSync('git', ['config', '--get', 'http.extraHeader'], {
      env: { PATH: process.env.PATH, HOME: dir, ...gitAuthEnv(TOKEN) },
      cwd: dir,
    }).toString();
    expect(out.trim()).toBe(`Authorization: ${basicAuthorization(TOKEN)}`);
  });
});
