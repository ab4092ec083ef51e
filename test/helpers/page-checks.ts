/**
 * What every page a person sees must pass in a real browser: axe-core's WCAG 2.x A/AA rules and best
 * practices with no violation, no sideways scrolling at the viewport's width, and a screenshot in the
 * temp directory for a human to look at. axe's source is evaluated in the page, which the pages' CSP
 * would refuse as a script tag.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A phone's viewport (the narrowest the pages are built for). */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/** No axe-core violation on the page as it is. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResult;
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(found, [], `${name}: accessibility violations`);
}

/** Nothing is wider than the viewport: the page never scrolls sideways (code blocks scroll inside). */
export async function assertFitsWidth(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize();
  // Runs in the page; the test's own types have no DOM.
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );
  assert.ok(viewport === null || width <= viewport.width, `${name} is ${width}px wide`);
}

/** Accessible, fits its width, and saved as `<tmp>/latchkey-<prefix>-<name>.png`. */
export async function checkPage(page: Page, prefix: string, name: string): Promise<string> {
  await assertAccessible(page, name);
  await assertFitsWidth(page, name);
  const path = join(tmpdir(), `latchkey-${prefix}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
