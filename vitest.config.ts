import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites start real servers (influxd, aedes, mosquitto, SUMO) on a 2-core machine.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
