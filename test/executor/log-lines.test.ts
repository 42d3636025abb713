import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder } from '../../src/executor/docker/log-frames.js';
import { LineAssembler, MAX_LINE_BYTES } from '../../src/executor/docker/log-lines.js';
import { engineTimeMillis, parseNanos, sinceParameter } from '../../src/executor/docker/engine-time.js';

function frame(type: number, text: string | Buffer): Buffer {
  const payload = typeof text === 'string' ? Buffer.from(text) : text;
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('timestamps compare as nanoseconds whether or not trailing zeros are trimmed', () => {
  assert.equal(parseNanos('2024-01-02T03:04:05.1Z'), parseNanos('2024-01-02T03:04:05.100000000Z'));
  assert.equal(parseNanos('2024-01-02T03:04:05Z'), 1704164645000000000n);
  assert.equal(parseNanos('2024-01-02T03:04:05.000000001Z'), 1704164645000000001n);
  assert.equal(parseNanos('2024-01-02T05:04:05.5+02:00'), parseNanos('2024-01-02T03:04:05.5Z'));
  // As strings, "...05.1Z" sorts after "...05.10000001Z"; as time it is earlier.
  assert.ok(parseNanos('2024-01-02T03:04:05.1Z')! < parseNanos('2024-01-02T03:04:05.10000001Z')!);
  assert.equal(parseNanos('not a time'), undefined);
  assert.equal(sinceParameter(1704164645000000001n), '1704164645.000000001');
  assert.equal(engineTimeMillis('0001-01-01T00:00:00Z'), undefined);
  assert.equal(engineTimeMillis('2024-01-02T03:04:05.123456789Z'), 1704164645123);
});

test('frames split at any byte boundary decode the same', () => {
  const bytes = Buffer.concat([frame(1, 'T1 one\n'), frame(2, 'T2 two\n'), frame(3, 'grr'), frame(1, '')]);
  for (let size = 1; size <= bytes.length; size += 1) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let i = 0; i < bytes.length; i += size) frames.push(...decoder.decode(bytes.subarray(i, i + size)));
    assert.deepEqual(
      frames.map((f) => [f.stream, f.payload.toString()]),
      [['stdout', 'T1 one\n'], ['stderr', 'T2 two\n'], ['system', 'grr'], ['stdout', '']],
      `chunks of ${size}`,
    );
    assert.equal(decoder.pendingBytes, 0);
  }
  assert.throws(() => new FrameDecoder().decode(Buffer.from('plain text, no frames')), /not multiplexed/);
});

test('partial messages join into one line per stream; a last line needs no newline', () => {
  const lines = new LineAssembler(undefined);
  const ts = (n: number) => `2024-01-02T03:04:05.${String(n).padStart(9, '0')}Z`;
  assert.deepEqual(lines.push('stdout', Buffer.from(`${ts(1)} hel`)), []);
  const err = lines.push('stderr', Buffer.from(`${ts(2)} oops\n`));
  assert.deepEqual(err.map((l) => [l.stream, l.message]), [['stderr', 'oops']]);
  const out = lines.push('stdout', Buffer.from(`${ts(3)} lo\n`));
  assert.deepEqual(out, [{ stream: 'stdout', message: 'hello', timestamp: 1704164645000, cursor: ts(3) }]);
  assert.deepEqual(lines.push('stdout', Buffer.from(`${ts(4)} \n`)).map((l) => l.message), ['']);
  assert.deepEqual(lines.push('stdout', Buffer.from(`${ts(5)} tail`)), []);
  assert.deepEqual(lines.end().map((l) => l.message), ['tail']);
});

test('messages at or before the cursor are skipped', () => {
  const lines = new LineAssembler(parseNanos('2024-01-02T03:04:05.2Z'));
  assert.deepEqual(lines.push('stdout', Buffer.from('2024-01-02T03:04:05.1Z a\n')), []);
  assert.deepEqual(lines.push('stdout', Buffer.from('2024-01-02T03:04:05.200000000Z b\n')), []);
  assert.deepEqual(lines.push('stdout', Buffer.from('2024-01-02T03:04:05.200000001Z c\n')).map((l) => l.message), ['c']);
});

test('an endless line is cut at the event size, never inside a UTF-8 character', () => {
  const lines = new LineAssembler(undefined);
  const piece = 'é'.repeat(8000); // 16,000 bytes, like one json-file partial message
  const cut: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    cut.push(...lines.push('stdout', Buffer.from(`2024-01-02T03:04:05.${i + 1}Z ${piece}`)).map((l) => l.message));
  }
  cut.push(...lines.end().map((l) => l.message));
  assert.equal(cut.join(''), piece.repeat(40));
  for (const message of cut) assert.ok(Buffer.byteLength(message) <= MAX_LINE_BYTES);
  assert.ok(!cut.some((m) => m.includes('\ufffd')));
});
