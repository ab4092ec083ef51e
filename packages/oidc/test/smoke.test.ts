import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as oidc from '@latchkey/oidc';

test('the package resolves from source', () => {
  assert.equal(typeof oidc, 'object');
});
