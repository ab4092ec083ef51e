// Loaded with `node --import` into a process under test: records the URL of every module it loads
// (ES modules and CommonJS alike, through Node's synchronous module hooks) and whether Node loaded its
// bundled undici, and writes them as JSON to LATCHKEY_TEST_LOADED_MODULES when the process exits.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  const report = {
    modules: [...loaded],
    undici: process.moduleLoadList.some((entry) => entry.includes('internal/deps/undici')),
  };
  writeFileSync(process.env.LATCHKEY_TEST_LOADED_MODULES, JSON.stringify(report));
});
