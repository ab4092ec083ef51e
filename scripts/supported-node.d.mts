// Types for scripts/supported-node.mjs (plain JavaScript so that it runs on the old Node it replaces).
export const MINIMUM: [number, number];
export function isSupported(version: string): boolean;
export interface SupportedNode {
  node: string;
  version: string | undefined;
  env: NodeJS.ProcessEnv;
  exports: { PATH: string; npm_config_nodedir?: string };
}
export function supportedNode(options?: {
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  current?: { version: string; execPath: string };
}): SupportedNode;
