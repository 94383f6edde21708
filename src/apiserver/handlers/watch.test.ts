import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../testing/test-server.js';

interface Event {
  type: string;
  object: {
    metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
    code?: number;
    reason?: string;
  };
}

/** Reads watch events from a streaming response until `count` arrived or `signal` aborts. */
async function collect(url: string, count: number, signal: AbortSignal): Promise<Event[]> {
  const res = await fetch(url, { signal });
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  const events: Event[] = [];
  let buf = '';
  const decoder = new TextDecoder();
  while (events.length < count) {
    const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    const { value, done } = chunk;
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, i)) as Event);
      buf = buf.slice(i + 1);
    }
  }
  await reader.cancel().catch(() => {});
  return events;
}

const cms = '/api/v1/namespaces/default/configmaps';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ watch: { bookmarkIntervalMs: 50, defaultTimeoutMs: 60_000 } });
});
afterAll(async () => {
  await s.close();
});

describe('watch', () => {
  it('resumes from a resourceVersion with every later change, in order', async () => {
    const a = await s.request('POST', cms, { metadata: { name: 'w-a' } });
    const rv = (a.json.metadata as { resourceVersion: string }).resourceVersion;
    await s.request('POST', cms, { metadata: { name: 'w-b' } });
    await s.request(
      'PATCH',
      `${cms}/w-a`,
      { data: { k: 'v' } },
      { 'content-type': 'application/merge-patch+json' },
    );
    await s.request('DELETE', `${cms}/w-b`);
    const abort = new AbortController();
    const events = await collect(`${s.url}${cms}?watch=1&resourceVersion=${rv}`, 3, abort.signal);
    abort.abort();
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED w-b',
      'MODIFIED w-a',
      'DELETED w-b',
    ]);
    const rvs = events.map((e) => Number(e.object.metadata?.resourceVersion));
    expect([...rvs].sort((x, y) => x - y)).toEqual(rvs);
  });

  it('starts with the current objects when no resourceVersion is given, then streams', async () => {
    const abort = new AbortController();
    const pending = collect(`${s.url}${cms}?watch=true&labelSelector=set%3Dlive`, 3, abort.signal);
    await s.request('POST', cms, { metadata: { name: 'live-1', labels: { set: 'live' } } });
    // Relabelling out of the selector is seen as a deletion.
    await s.request(
      'PATCH',
      `${cms}/live-1`,
      { metadata: { labels: { set: 'other' } } },
      {
        'content-type': 'application/merge-patch+json',
      },
    );
    await s.request('POST', cms, { metadata: { name: 'live-2', labels: { set: 'live' } } });
    const events = await pending;
    abort.abort();
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED live-1',
      'DELETED live-1',
      'ADDED live-2',
    ]);
  });

  it('answers a compacted resourceVersion with an Expired ERROR event', async () => {
    await s.request('POST', cms, { metadata: { name: 'compact-me' } });
    const rev = await s.store.currentRevision();
    await s.request('DELETE', `${cms}/compact-me`);
    await s.store.compact(rev);
    const abort = new AbortController();
    const [e] = await collect(`${s.url}${cms}?watch=1&resourceVersion=1`, 1, abort.signal);
    abort.abort();
    expect(e?.type).toBe('ERROR');
    expect(e?.object).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('sends bookmarks and marks the end of the initial events', async () => {
    const abort = new AbortController();
    const events = await collect(
      `${s.url}${cms}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      200,
      AbortSignal.any([abort.signal, AbortSignal.timeout(500)]),
    );
    abort.abort();
    const marker = events.find(
      (e) => e.type === 'BOOKMARK' && e.object.metadata?.annotations?.['k8s.io/initial-events-end'],
    );
    expect(marker).toBeDefined();
    expect(events.indexOf(marker as Event)).toBeGreaterThan(0);
  });
});
