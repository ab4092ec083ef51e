#!/usr/bin/env node
import { processIo } from './lib/io.js';
import { runCli } from './run.js';

const status = await runCli(process.argv.slice(2), processIo());
// Long-running commands (serve) never return here until they are stopped.
process.exitCode = status;
