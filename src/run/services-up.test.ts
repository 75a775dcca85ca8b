import { describe, expect, it } from 'vitest';
import { ServicesUp } from './services-up.js';

const controls = () => ({ stop: new AbortController(), kill: new AbortController() });

describe('the services of a run', () => {
  it('stops one once nothing that needs it can still run, and kills those still stopping on a second Ctrl-C', () => {
    const services = new ServicesUp();
    const db = controls();
    services.attemptEnded(0, true, db, Promise.resolve());
    services.stopIfIdle(0, () => true);
    expect(db.stop.signal.aborted).toBe(false);
    services.stopIfIdle(0, () => false);
    expect(db.stop.signal.aborted).toBe(true);
    expect(db.kill.signal.aborted).toBe(false);
    services.killAll();
    expect(db.kill.signal.aborted).toBe(true);
  });

  it('stops at once one whose attempt failed after all, and ends after every service process has', async () => {
    const services = new ServicesUp();
    const bad = controls();
    const good = controls();
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => {
      exit = resolve;
    });
    services.attemptEnded(0, false, bad, Promise.resolve());
    services.attemptEnded(1, true, good, exited);
    expect(bad.stop.signal.aborted).toBe(true);
    let ended = false;
    const done = services.ended().then(() => {
      ended = true;
    });
    expect(good.stop.signal.aborted).toBe(true);
    await Promise.resolve();
    expect(ended).toBe(false);
    exit();
    await done;
    expect(ended).toBe(true);
  });
});
