import { describe, expect, it } from 'vitest';
import { credentialHost, envVarHost, parseImage } from '../../src/registry/image-ref.js';
import { nextPage, parseChallenge } from '../../src/registry/client.js';

describe('image names (Docker rules)', () => {
  const cases = [
    { image: 'nginx', registry: 'docker.io', repository: 'library/nginx', endpoint: 'https://registry-1.docker.io' },
    {
      image: 'vfarcic/devops-toolkit-series',
      registry: 'docker.io',
      repository: 'vfarcic/devops-toolkit-series',
      endpoint: 'https://registry-1.docker.io',
    },
    { image: 'docker.io/nginx', registry: 'docker.io', repository: 'library/nginx', endpoint: 'https://registry-1.docker.io' },
    { image: 'index.docker.io/vfarcic/x', registry: 'docker.io', repository: 'vfarcic/x', endpoint: 'https://registry-1.docker.io' },
    { image: 'ghcr.io/org/app', registry: 'ghcr.io', repository: 'org/app', endpoint: 'https://ghcr.io' },
    { image: 'localhost:5000/app', registry: 'localhost:5000', repository: 'app', endpoint: 'http://localhost:5000' },
    { image: '127.0.0.1:5000/team/app', registry: '127.0.0.1:5000', repository: 'team/app', endpoint: 'http://127.0.0.1:5000' },
    {
      image: 'registry.example.com:8443/a/b/c',
      registry: 'registry.example.com:8443',
      repository: 'a/b/c',
      endpoint: 'https://registry.example.com:8443',
    },
  ];
  for (const c of cases) {
    it(c.image, () => {
      const ref = parseImage(c.image, 'charts-src/x.ts');
      expect({ registry: ref.registry, repository: ref.repository, endpoint: ref.endpoint }).toEqual({
        registry: c.registry,
        repository: c.repository,
        endpoint: c.endpoint,
      });
    });
  }

  it('refuses a name Docker does not accept, naming where it is', () => {
    expect(() => parseImage('Vfarcic/UPPER', 'charts-src/x.ts')).toThrow("charts-src/x.ts: 'Vfarcic/UPPER' is not an image name");
  });

  it("a mirror serves a registry: SLIPWAY_REGISTRY_<HOST>_MIRROR; credentials are then the mirror host's", () => {
    const ref = parseImage('vfarcic/x', 'w', { SLIPWAY_REGISTRY_DOCKER_IO_MIRROR: '127.0.0.1:5000' });
    expect(ref.endpoint).toBe('http://127.0.0.1:5000');
    expect(ref.registry).toBe('docker.io');
    expect(ref.description).toBe('docker.io/vfarcic/x (mirror http://127.0.0.1:5000)');
    expect(credentialHost(ref)).toBe('127.0.0.1:5000');
    expect(credentialHost(parseImage('nginx', 'w'))).toBe('docker.io');
  });

  it('host names become variable names: upper case, anything else _', () => {
    expect(envVarHost('ghcr.io')).toBe('GHCR_IO');
    expect(envVarHost('127.0.0.1:5000')).toBe('127_0_0_1_5000');
    expect(envVarHost('my-registry.example.com')).toBe('MY_REGISTRY_EXAMPLE_COM');
  });
});

describe('protocol helpers', () => {
  it('parses a bearer challenge', () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm="x"')?.scheme).toBe('basic');
  });

  it('follows a relative Link next page, and stops without one', () => {
    expect(nextPage('</v2/a/tags/list?n=2&last=b>; rel="next"', 'http://h:1/v2/a/tags/list?n=2')).toBe(
      'http://h:1/v2/a/tags/list?n=2&last=b',
    );
    expect(nextPage(null, 'http://h/x')).toBeUndefined();
    expect(nextPage('<http://h/y>; rel="prev"', 'http://h/x')).toBeUndefined();
  });
});
