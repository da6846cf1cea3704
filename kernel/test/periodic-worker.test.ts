import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, startPeriodicWorker } from '#kernel';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, log: createLogger({ service: 'test', destination }) };
}

describe('startPeriodicWorker', () => {
  it('never runs two passes at once, however slow a pass is', async () => {
    let running = 0;
    let peak = 0;
    let passes = 0;
    const worker = startPeriodicWorker({
      name: 'slow sweep',
      intervalMs: 10,
      log: capturedLog().log,
      pass: async () => {
        running++;
        peak = Math.max(peak, running);
        passes++;
        await sleep(60);
        running--;
        return 0;
      },
    });
    await sleep(250);
    await worker.stop();
    expect(peak).toBe(1);
    // At most about 250 / 60 passes, not the 25 that queued ticks would make.
    expect(passes).toBeGreaterThanOrEqual(1);
    expect(passes).toBeLessThanOrEqual(5);
  });

  it('drains a backlog at once: a pass that handled items is followed by another', async () => {
    const backlog = [3, 3, 2, 0];
    const handled: number[] = [];
    const worker = startPeriodicWorker({
      name: 'drain',
      intervalMs: 1_000,
      log: capturedLog().log,
      pass: async () => {
        const count = backlog.shift() ?? 0;
        handled.push(count);
        return count;
      },
    });
    await sleep(1_100);
    await worker.stop();
    expect(handled).toEqual([3, 3, 2, 0]);
  });

  it('logs a failing pass and tries again at the next tick', async () => {
    const { lines, log } = capturedLog();
    let attempts = 0;
    const worker = startPeriodicWorker({
      name: 'flaky sweep',
      intervalMs: 20,
      log,
      pass: async () => {
        attempts++;
        if (attempts === 1) throw new Error('database away');
        return 0;
      },
    });
    await sleep(100);
    await worker.stop();
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatchObject({ level: 'warn', worker: 'flaky sweep', message: 'flaky sweep failed; retrying at the next tick' });
  });

  it('stop() waits for the pass in hand and starts no other', async () => {
    let finished = false;
    let passes = 0;
    const worker = startPeriodicWorker({
      name: 'stoppable',
      intervalMs: 10,
      log: capturedLog().log,
      pass: async () => {
        passes++;
        await sleep(50);
        finished = true;
        return 1; // would run again at once if not stopped
      },
    });
    await sleep(25);
    await worker.stop();
    expect(finished).toBe(true);
    const after = passes;
    await sleep(50);
    expect(passes).toBe(after);
  });
});
