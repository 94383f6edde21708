import { mkdtemp, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteLimit, parseCriLog, parseCriLogLine, parseLogOptions, selectLines } from './cri-log.js';
import { streamContainerLog } from './container-logs.js';

const file = [
  '2024-05-01T10:00:00.000000001Z stdout F first',
  '2024-05-01T10:00:01.000000000Z stderr P par',
  '2024-05-01T10:00:01.500000000Z stdout F second',
  '2024-05-01T10:00:02.000000000Z stderr P tial ',
  '2024-05-01T10:00:02.100000000Z stderr F line',
  '2024-05-01T10:00:03.000000000Z stdout F ',
  'garbage',
  '',
].join('\n');

describe('CRI log files', () => {
  it.each([
    [
      '2024-05-01T10:00:00Z stdout F hello world',
      { stream: 'stdout', partial: false, content: 'hello world' },
    ],
    [
      '2024-05-01T10:00:00Z stderr P  two spaces',
      { stream: 'stderr', partial: true, content: ' two spaces' },
    ],
    ['2024-05-01T10:00:00Z stdout F', { stream: 'stdout', partial: false, content: '' }],
    ['2024-05-01T10:00:00Z stdout F:x tagged', { stream: 'stdout', partial: false, content: 'tagged' }],
  ])('parses %j', (line, want) => {
    expect(parseCriLogLine(line)).toMatchObject({ timestamp: '2024-05-01T10:00:00Z', ...want });
  });

  it.each(['', 'nothing', '2024-05-01T10:00:00Z stdin F x'])('refuses %j', (line) => {
    expect(parseCriLogLine(line)).toBeUndefined();
  });

  it('joins partial fragments per stream, stamped with the first one', () => {
    const lines = parseCriLog(file);
    expect(lines.map((l) => [l.stream, l.content])).toEqual([
      ['stdout', 'first'],
      ['stdout', 'second'],
      ['stderr', 'partial line'],
      ['stdout', ''],
    ]);
    expect(lines[2]?.timestamp).toBe('2024-05-01T10:00:01.000000000Z');
  });

  it('selects by since and tailLines', () => {
    const lines = parseCriLog(file);
    expect(selectLines(lines, { tailLines: 2 }).map((l) => l.content)).toEqual(['partial line', '']);
    expect(selectLines(lines, { tailLines: 0 })).toEqual([]);
    const since = Date.parse('2024-05-01T10:00:01.200Z');
    expect(selectLines(lines, { since }).map((l) => l.content)).toEqual(['second', '']);
  });

  it('cuts at limitBytes', () => {
    const limit = new ByteLimit(7);
    expect(limit.take('hello\n')).toBe('hello\n');
    expect(limit.take('world\n')).toBe('w');
    expect(limit.take('more')).toBe('');
    expect(limit.reached).toBe(true);
  });

  it('parses the query like PodLogOptions', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(
      parseLogOptions(new URLSearchParams('follow=true&tailLines=5&sinceSeconds=10&timestamps=true'), now),
    ).toEqual({
      follow: true,
      previous: false,
      timestamps: true,
      tailLines: 5,
      since: now - 10_000,
    });
    expect(parseLogOptions(new URLSearchParams('sinceTime=2024-05-01T09:00:00Z')).since).toBe(
      Date.parse('2024-05-01T09:00:00Z'),
    );
    expect(() => parseLogOptions(new URLSearchParams('tailLines=-1'))).toThrow(/tailLines/);
    expect(() =>
      parseLogOptions(new URLSearchParams('sinceSeconds=1&sinceTime=2024-05-01T09:00:00Z')),
    ).toThrow(/at most one/);
    expect(() => parseLogOptions(new URLSearchParams('limitBytes=abc'))).toThrow(/limitBytes/);
  });

  it('streams a file with timestamps, then follows what is appended until the container stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cri-log-'));
    const path = join(dir, '0.log');
    await writeFile(path, '2024-05-01T10:00:00Z stdout F one\n2024-05-01T10:00:01Z stdout P tw');
    let out = '';
    let running = true;
    const done = streamContainerLog(
      path,
      { follow: true, previous: false, timestamps: true },
      { write: (t) => (out += t) },
      { pollMs: 10, running: async () => running },
    );
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(path, 'o\n2024-05-01T10:00:02Z stdout F !\n');
    await new Promise((r) => setTimeout(r, 50));
    running = false;
    await done;
    expect(out).toBe('2024-05-01T10:00:00Z one\n2024-05-01T10:00:01Z two!\n');
  });
});
