/** One reading of durations for the whole project: @latchkey/config-schema's (config files, flags). */
export { parseDuration } from '@latchkey/config-schema';
