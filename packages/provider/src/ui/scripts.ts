import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendScript } from './send-script.js';

/**
 * The only scripts the pages run, served by the provider itself (no CDN) under a strict CSP
 * (`script-src 'self'`, no inline script): @simplewebauthn/browser's bundle (the global
 * `SimpleWebAuthnBrowser`) and passkeys.js, which reads its inputs from data attributes.
 */
export const WEBAUTHN_BROWSER_PATH = '/assets/webauthn-browser.js';
export const PASSKEYS_SCRIPT_PATH = '/assets/passkeys.js';

function browserBundle(): string {
  // The package's exports map names no file of the bundle: find it next to its CommonJS entry.
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  return readFileSync(join(dirname(dirname(entry)), 'dist', 'bundle', 'index.umd.min.js'), 'utf8');
}

/**
 * Registration (account page): a button with data-options (JSON) fills the register form's `response`
 * and submits it. Authentication (second-factor page, and username-less on the login page, where the
 * username field's autofill offers passkeys too): a button with data-options fills the code field with
 * { state, response } and submits its form. Nothing runs without a button that asks for it.
 */
const PASSKEYS_SCRIPT = `'use strict';
(function () {
  var W = window.SimpleWebAuthnBrowser;
  function onClick(id, run) {
    var button = document.getElementById(id);
    if (!button || !W || !W.browserSupportsWebAuthn()) return;
    button.hidden = false;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      button.disabled = true;
      run(button, JSON.parse(button.getAttribute('data-options'))).catch(function (error) {
        button.disabled = false;
        var status = document.getElementById(id + '-status');
        if (status) status.textContent = 'The passkey was not used (' + (error && error.name || 'error') + '). Try again.';
      });
    });
  }
  onClick('passkey-register', function (button, options) {
    return W.startRegistration({ optionsJSON: options }).then(function (response) {
      var form = button.form;
      form.elements.namedItem('response').value = JSON.stringify(response);
      form.submit();
    });
  });
  function answer(button) {
    return function (response) {
      var form = button.form;
      form.elements.namedItem('code').value = JSON.stringify({ state: button.getAttribute('data-state'), response: response });
      form.submit();
    };
  }
  onClick('passkey-authenticate', function (button, options) {
    return W.startAuthentication({ optionsJSON: options }).then(answer(button));
  });
  onClick('passkey-login', function (button, options) {
    return W.startAuthentication({ optionsJSON: options }).then(answer(button));
  });
  // Conditional mediation (WebAuthn L3 §5.1.4.1): the username field's autofill offers the passkeys.
  var login = document.getElementById('passkey-login');
  if (login && W && W.browserSupportsWebAuthnAutofill) {
    W.browserSupportsWebAuthnAutofill().then(function (supported) {
      if (!supported) return;
      W.startAuthentication({ optionsJSON: JSON.parse(login.getAttribute('data-options')), useBrowserAutofill: true })
        .then(answer(login))
        .catch(function () {});
    });
  }
})();
`;

export function registerScripts(app: FastifyInstance, basePath: string): void {
  const bundle = browserBundle();
  const send = (body: string) => (_request: unknown, reply: FastifyReply) => sendScript(reply, body);
  app.get(basePath + WEBAUTHN_BROWSER_PATH, send(bundle));
  app.get(basePath + PASSKEYS_SCRIPT_PATH, send(PASSKEYS_SCRIPT));
}
