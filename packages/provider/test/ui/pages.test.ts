import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { escapeHtml, html, SafeHtml } from '../../src/ui/html.js';
import { authorizeParams, Browser, createHarness, type Harness } from '../authorize/harness.js';

describe('the escaping helper', () => {
  test('escapes every interpolated value, in text and in attributes', () => {
    const evil = `<script>"'&\``;
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      '<p title="&lt;script&gt;&quot;&#39;&amp;&#96;">&lt;script&gt;&quot;&#39;&amp;&#96;</p>',
    );
  });
  test('keeps nested templates, escapes arrays element by element, renders nothing for null and false', () => {
    assert.equal(
      html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>${null}${false}${undefined}`.value,
      '<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>',
    );
  });
  test('only a SafeHtml passes unescaped', () => {
    assert.equal(html`${new SafeHtml('<br>')}`.value, '<br>');
    assert.equal(escapeHtml('plain'), 'plain');
  });
});

describe('pages', () => {
  let h: Harness;
  let pages: { name: string; response: LightMyRequestResponse }[];
  before(async () => {
    h = await createHarness({
      ui: { productName: 'Acme ID', primaryColor: '#0b6e4f', logoUrl: 'https://cdn.acme.example/logo.svg' },
    });
    const browser = new Browser(h.app);
    const login = await browser.authorize(authorizeParams());
    const consent = await browser.follow(
      await browser.submitLogin(login, 'alice', 'correct horse battery staple'),
    );
    const error = await browser.authorize(authorizeParams({ redirect_uri: 'https://evil.example.com/' }));
    pages = [
      { name: 'login', response: login },
      { name: 'consent', response: consent },
      { name: 'error', response: error },
    ];
  });
  after(() => h.close());

  test('S5: every page forbids framing: frame-ancestors none and X-Frame-Options DENY', () => {
    for (const { name, response } of pages) {
      assert.match(String(response.headers['content-security-policy']), /frame-ancestors 'none'/, name);
      assert.equal(response.headers['x-frame-options'], 'DENY', name);
    }
  });

  test('every page has a strict CSP: nothing by default, no inline script, scripts, styles and images from the provider (and the logo origin)', () => {
    for (const { name, response } of pages) {
      const csp = String(response.headers['content-security-policy']);
      assert.match(csp, /^default-src 'none'; /, name);
      assert.match(csp, /style-src 'self'/, name);
      assert.match(csp, /img-src 'self' https:\/\/cdn\.acme\.example(;|$)/, name);
      assert.match(csp, /base-uri 'none'/, name);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, name);
      // Scripts only from the provider's own files (the passkey buttons), never inline.
      if (/script-src/.test(csp)) assert.match(csp, /script-src 'self';/, name);
      assert.doesNotMatch(response.body, /style="/, name);
      for (const [tag] of response.body.matchAll(/<script[^>]*>/g)) {
        assert.match(tag, /^<script src="\/assets\/[\w.-]+\.js" defer>$/, name);
      }
    }
  });

  test('S7: pages are never cached and send no Referer', () => {
    for (const { name, response } of pages) {
      assert.equal(response.headers['cache-control'], 'no-store', name);
      assert.equal(response.headers['referrer-policy'], 'no-referrer', name);
      assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/, name);
    }
  });

  test('S7: redirects to the client are not cached and send no Referer', async () => {
    const response = await new Browser(h.app).authorize(authorizeParams({ prompt: 'none' }));
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
  });

  test('pages are themed from the config: product name, logo, stylesheet with the primary colour', async () => {
    const login = pages[0]!.response.body;
    assert.match(login, /<title>Sign in · Acme ID<\/title>/);
    assert.match(login, /<img src="https:\/\/cdn\.acme\.example\/logo\.svg" alt="Acme ID">/);
    const href = /<link rel="stylesheet" href="([^"]+)">/.exec(login)?.[1];
    assert.ok(href?.startsWith('/assets/latchkey.css?v='));
    const css = await h.app.inject({ url: href });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(css.body, /--primary: #0b6e4f;/);
    assert.match(css.body, /:focus-visible \{ outline: 3px solid var\(--primary\)/);
  });

  test('each page has lang, one h1 and a main landmark', () => {
    for (const { name, response } of pages) {
      assert.match(response.body, /<html lang="en">/, name);
      assert.equal(response.body.match(/<h1/g)?.length, 1, name);
      assert.match(response.body, /<main class="card" aria-labelledby="page-title">/, name);
    }
  });
});
