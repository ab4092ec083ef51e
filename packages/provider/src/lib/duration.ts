/** One reading of durations for the whole project: the settings package's (config files, flags). */
export { parseDuration } from '@latchkey/settings';
