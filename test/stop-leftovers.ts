import { afterEach } from 'vitest';
import { stopLeftovers } from './helpers/background.js';

// A test that fails while a CLI it started in the background waits (for approval, for a group)
// would leave that run waiting for ever: every test ends by stopping what it left running.
afterEach(stopLeftovers);
