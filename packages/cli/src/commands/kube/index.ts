import type { Command } from '../../lib/command.js';
import { kubeCredential } from './credential.js';
import { kubeSetup } from './setup.js';

/** `latchkey kube …`: one registry entry in commands/index.ts spreads these. */
export const KUBE_COMMANDS: readonly Command[] = [kubeCredential, kubeSetup];
