import { describe, expect, it } from 'vitest';
import { mirrorOptions } from './agent.js';

describe('mirrorOptions', () => {
  it('turns repeated --registry-mirror values into agent options', () => {
    expect(
      mirrorOptions({
        registryMirror: ['docker.io=http://127.0.0.1:5000', 'registry.example:5000=http://10.0.0.5:5000/'],
      }),
    ).toEqual({
      registryMirrors: [
        { host: 'docker.io', url: 'http://127.0.0.1:5000' },
        { host: 'registry.example:5000', url: 'http://10.0.0.5:5000' },
      ],
    });
    expect(mirrorOptions({})).toEqual({});
  });

  it('refuses a value without HOST=URL, naming the flag', () => {
    expect(() => mirrorOptions({ registryMirror: ['docker.io'] })).toThrow(/--registry-mirror "docker.io"/);
  });
});
