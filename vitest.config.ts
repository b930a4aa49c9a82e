import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'infra/test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for an event; its default 1 s cap is too short on a loaded 2-core CI machine.
    // A longer cap changes nothing for a test that passes and only delays a real failure's report.
    expect: { poll: { timeout: 20_000 } },
    pool: 'forks',
    allowOnly: false,
  },
});
