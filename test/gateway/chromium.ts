// The gateway browser tests launch chromium the same way as the other end-to-end tests: one home.
export { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
