/**
 * The pages' one stylesheet, served by the provider itself (no third-party assets, `style-src 'self'`).
 * The primary colour is the only value from configuration, and the config parser admits hex colours
 * only, so nothing else can be written into the CSS.
 */
export function buildStylesheet(theme: { readonly primaryColor: string }): string {
  return `:root {
  color-scheme: light dark;
  --primary: ${theme.primaryColor};
  --on-primary: #fff;
  --bg: #f3f4f7;
  --card: #fff;
  --text: #1b1f29;
  --muted: #5b6475;
  --border: #d5d9e2;
  --danger: #b42318;
  --danger-bg: #fef3f2;
  --radius: 10px;
  --link: #1d4ed8;
  --ok: #067647;
  --code-bg: #f6f7f9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #11141a;
    --card: #1b1f29;
    --text: #eef0f4;
    --muted: #a7afbf;
    --border: #363c4a;
    --danger: #fda29b;
    --danger-bg: #3a1d1b;
    --link: #93b4ff;
    --ok: #75e0a7;
    --code-bg: #141820;
  }
}
*, *::before, *::after { box-sizing: border-box; }
/* The hidden attribute wins over display rules below (the username field kept for password managers). */
[hidden] { display: none !important; }
html { font-size: 100%; }
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  gap: 1.25rem;
  padding: 2rem 1rem;
  background: var(--bg);
  color: var(--text);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  -webkit-font-smoothing: antialiased;
}
.card {
  width: 100%;
  max-width: 26rem;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 2rem 2rem 1.75rem;
  box-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 8px 24px rgb(16 24 40 / 8%);
}
.brand { display: flex; align-items: center; gap: .6rem; margin-bottom: 1.5rem; }
.brand img { max-height: 2.5rem; max-width: 12rem; }
.brand-mark {
  display: inline-grid; place-items: center;
  width: 2.25rem; height: 2.25rem; border-radius: 8px;
  background: var(--primary); color: var(--on-primary);
  font-weight: 700; font-size: 1.1rem;
}
.brand-name { font-weight: 650; font-size: 1.05rem; letter-spacing: .01em; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .35rem; font-weight: 650; }
.lead { margin: 0 0 1.5rem; color: var(--muted); }
.lead strong { color: var(--text); }
.field { margin-bottom: 1.1rem; }
label { display: block; font-weight: 600; font-size: .925rem; margin-bottom: .35rem; }
input[type="text"], input[type="password"] {
  display: block; width: 100%;
  padding: .65rem .75rem;
  font: inherit; color: var(--text);
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: 8px;
}
input[aria-invalid="true"] { border-color: var(--danger); }
.button {
  display: inline-flex; align-items: center; justify-content: center;
  width: 100%;
  padding: .7rem 1rem;
  font: inherit; font-weight: 600;
  border-radius: 8px;
  border: 1px solid transparent;
  cursor: pointer;
}
.button.primary { background: var(--primary); color: var(--on-primary); }
.button.primary:hover { filter: brightness(1.08); }
.button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
.button.secondary:hover { background: color-mix(in srgb, var(--text) 6%, transparent); }
:focus-visible { outline: 3px solid var(--primary); outline-offset: 2px; }
input:focus-visible { outline-offset: 0; border-color: var(--primary); }
.alert {
  margin: 0 0 1.25rem;
  padding: .75rem .9rem;
  border-radius: 8px;
  border: 1px solid var(--danger);
  background: var(--danger-bg);
  color: var(--danger);
  font-size: .95rem;
}
.scopes { list-style: none; margin: 0 0 1.5rem; padding: 0; border-top: 1px solid var(--border); }
.scopes li {
  display: flex; gap: .75rem; align-items: flex-start;
  padding: .8rem 0; border-bottom: 1px solid var(--border);
}
.scopes li::before {
  content: ""; flex: none;
  width: .55rem; height: .55rem; margin-top: .5rem;
  border-radius: 50%; background: var(--primary);
}
.account { margin: 0 0 1.5rem; font-size: .925rem; color: var(--muted); }
.account strong { color: var(--text); }
.actions { display: grid; gap: .75rem; }
h1 + .alert { margin-top: 1rem; }
.error-code { margin: 1.25rem 0 0; font-size: .85rem; color: var(--muted); }
.support { margin: 1.25rem 0 0; font-size: .925rem; overflow-wrap: anywhere; }
.providers { display: grid; gap: .5rem; margin: 1.25rem 0 0; }
.providers .divider { margin: 0; text-align: center; color: var(--muted); font-size: .925rem; }
.button.provider { gap: .5rem; text-decoration: none; }
.links { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; margin: 1.25rem 0 0; font-size: .925rem; }
section { margin-top: 2rem; }
.hint { margin: .35rem 0 .75rem; color: var(--muted); font-size: .9rem; }
.notice {
  margin: 0 0 1rem; padding: .75rem .9rem; border-radius: 8px;
  border: 1px solid var(--border); background: color-mix(in srgb, var(--primary) 8%, transparent);
}
.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .4rem 1rem; margin: 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.facts + form { margin-top: 1rem; }
.tag {
  display: inline-block; margin-left: .35rem; padding: 0 .45rem; border-radius: 999px;
  border: 1px solid var(--border); font-size: .8rem; color: var(--muted);
}
.rows { list-style: none; margin: 0 0 1rem; padding: 0; border-top: 1px solid var(--border); }
.rows li {
  display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between;
  padding: .75rem 0; border-bottom: 1px solid var(--border);
}
.rows li > div { flex: 1 1 18rem; min-width: 0; }
.meta { display: block; color: var(--muted); font-size: .875rem; overflow-wrap: anywhere; }
.actions.inline { display: flex; flex-wrap: wrap; }
.actions.inline .button, .button.small { width: auto; }
.button.small { padding: .4rem .8rem; font-size: .9rem; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
@media (max-width: 30rem) {
  .card { padding: 1.5rem 1.1rem 1.25rem; }
  .facts { grid-template-columns: 1fr; gap: .1rem; }
  .facts dd { margin-bottom: .5rem; }
}
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.card.wide { max-width: 46rem; }
h2 { font-size: 1.1rem; line-height: 1.3; margin: 1.75rem 0 .5rem; font-weight: 650; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; font-weight: 650; }
p { margin: 0 0 .9rem; }
a { color: var(--link); text-underline-offset: .15em; }
a.button { text-decoration: none; }
.links { margin: 0 0 1rem; padding-left: 1.2rem; }
.links li { margin: .3rem 0; overflow-wrap: anywhere; }
pre {
  margin: 0 0 1rem; padding: .75rem .9rem;
  background: var(--code-bg); border: 1px solid var(--border); border-radius: 8px;
  overflow-x: auto; font-size: .85rem; line-height: 1.45;
}
pre.wrap { white-space: pre-wrap; overflow-wrap: anywhere; }
.checks { list-style: none; margin: 0 0 1rem; padding: 0; }
.checks li { display: flex; gap: .6rem; align-items: baseline; padding: .35rem 0; overflow-wrap: anywhere; }
.checks li::before { content: "✓"; flex: none; font-weight: 700; color: var(--ok); }
.checks strong { flex: none; min-width: 5.5rem; }
.card.full { max-width: 72rem; }
[hidden] { display: none !important; }
.console-nav { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem .5rem; margin: -.75rem 0 1.5rem; padding-bottom: .75rem; border-bottom: 1px solid var(--border); }
.console-nav a { padding: .3rem .6rem; border-radius: 6px; text-decoration: none; color: var(--text); }
.console-nav a[aria-current="page"] { background: color-mix(in srgb, var(--primary) 14%, transparent); font-weight: 650; }
.console-nav form { margin-left: auto; }
input[type="email"], input[type="search"], input[type="date"], select, textarea {
  display: block; width: 100%; padding: .6rem .75rem; font: inherit; color: var(--text);
  background: var(--card); border: 1px solid var(--border); border-radius: 8px;
}
textarea { min-height: 5rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 500; margin: .25rem 0; }
.check input { width: 1.1rem; height: 1.1rem; }
fieldset { border: 1px solid var(--border); border-radius: 8px; margin: 0 0 1.1rem; padding: .5rem .9rem .75rem; }
legend { font-weight: 600; font-size: .925rem; padding: 0 .25rem; }
.table-wrap { position: relative; overflow-x: auto; margin: 0 0 1rem; }
table.list { width: 100%; min-width: 36rem; border-collapse: collapse; font-size: .925rem; }
table.list.wide { min-width: 60rem; }
table.list th, table.list td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--border); vertical-align: top; overflow-wrap: anywhere; }
table.list th { color: var(--muted); font-weight: 600; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .75rem; margin: 0 0 1rem; padding: 0; list-style: none; }
.stats li { border: 1px solid var(--border); border-radius: 8px; padding: .75rem .9rem; }
.stats strong { display: block; font-size: 1.5rem; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0 .9rem; align-items: end; }
.button.danger { background: var(--danger); color: var(--card); }
.secret { font-size: 1rem; border-color: var(--primary); }
.inline-form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
.inline-form .field { flex: 1 1 12rem; margin-bottom: 0; }
`;
}
