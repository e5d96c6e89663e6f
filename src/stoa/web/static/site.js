/* The site's page behaviour: shows the controls a logged-in reader may use, turns each button and
 * form into an operation, signs it with window.Stoa (stoa.js) and reloads to show the result; plus
 * night mode, the editor's live preview and autosaved drafts. Reading never needs this file.
 *
 * Another page adds its own forms with window.StoaSite.form(action, build): a
 * <form data-action="action"> then submits as build(form, account) → [operations, role] (or
 * [operations, role, after]); a broadcast's error from the node shows in #status. */
(function () {
  'use strict';
  const APP = 'stoa/0.1';
  const DRAFT = 'stoa.draft';
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  // --- messages -------------------------------------------------------------------------------

  function say(text, isError) {
    const box = $('#status');
    box.textContent = text;
    box.className = isError ? 'error' : 'info';
    box.setAttribute('role', isError ? 'alert' : 'status');
    box.hidden = false;
  }

  async function send(operations, role, after) {
    say('Signing and broadcasting…');
    try {
      await window.Stoa.broadcast(operations, role);
    } catch (error) {
      say(error.message, true);
      return false;
    }
    say('Done.');
    if (after) after(); else window.location.reload();
    return true;
  }

  // --- who is reading -------------------------------------------------------------------------

  function showControls() {
    const me = window.Stoa.user();
    document.body.classList.toggle('logged-in', Boolean(me));
    $$('.logged-out').forEach((el) => { el.hidden = Boolean(me); });
    $$('.needs-login').forEach((el) => { el.hidden = !me; });
    $$('.owner-only').forEach((el) => { el.hidden = !me || owner(el) !== me; });
    $$('.not-owner').forEach((el) => { el.hidden = !me || owner(el) === me; });
    if (me) {
      $$('a.me').forEach((a) => { a.href = `/@${me}`; a.textContent = `@${me}`; });
      $$('a.wallet').forEach((a) => { a.href = `/@${me}/transfers`; });
    }
  }

  // Whose control this is: its own data-owner, else the author of the post or comment it sits in.
  function owner(el) {
    const holder = el.closest('[data-owner], [data-author]');
    return holder ? holder.dataset.owner || holder.dataset.author : null;
  }

  // The post or comment a control acts on.
  function target(el) {
    return el.closest('[data-permlink]').dataset;
  }

  // --- operations -----------------------------------------------------------------------------

  function asset(value, symbol) {
    const number = Number(String(value).trim());
    if (!Number.isFinite(number) || number < 0) throw new Error('Enter an amount like 1.000');
    return `${number.toFixed(symbol === 'VESTS' ? 6 : 3)} ${symbol}`;
  }

  function vests(steemPower) {
    const rate = Number($('section.wallet').dataset.steemPerVests);
    return asset(Number(steemPower) / rate, 'VESTS');
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 200);
  }

  function stamp() {
    return new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14);
  }

  function follow(me, following, what) {
    const json = JSON.stringify(['follow', { follower: me, following, what: what ? [what] : [] }]);
    return ['custom_json', { required_auths: [], required_posting_auths: [me], id: 'follow', json }];
  }

  // json_metadata as condenser writes it: tags, @mentions, images and links found in the body.
  function metadata(body, tags) {
    const found = (re) => Array.from(new Set(Array.from(body.matchAll(re), (m) => m[1])));
    const hashtags = found(/(?:^|\s)#([a-z][a-z0-9-]*)/gi).map((t) => t.toLowerCase());
    return JSON.stringify({
      tags: Array.from(new Set([...tags, ...hashtags])).slice(0, 8),
      users: found(/(?:^|[^\w/@])@([a-z][a-z0-9.-]{2,15})/gi).map((u) => u.toLowerCase()),
      image: found(/!\[[^\]]*\]\((https?:\/\/[^)\s]+)\)/g),
      links: found(/(?:^|[^!])\[[^\]]*\]\((https?:\/\/[^)\s]+)\)/g),
      app: APP,
      format: 'markdown',
    });
  }

  function beneficiaries(text, me) {
    const list = text.trim() ? text.trim().split(/\s+/).map((item) => {
      const [account, percent] = item.split(':');
      return { account: account.replace(/^@/, ''), weight: Math.round(Number(percent) * 100) };
    }) : [];
    const names = new Set(list.map((b) => b.account));
    const total = list.reduce((sum, b) => sum + b.weight, 0);
    if (list.length > 8 || names.size !== list.length || names.has(me) || total >= 10000
        || list.some((b) => !(b.weight >= 100 && b.weight <= 10000))) {
      throw new Error('Beneficiaries: at most 8 other accounts, no duplicates, 1–100% each, under 100% in total.');
    }
    return list.sort((a, b) => (a.account < b.account ? -1 : 1));
  }

  function commentOptions(me, permlink, payout, shares) {
    if (payout === '10000' && !shares.length) return [];
    return [['comment_options', {
      author: me, permlink,
      max_accepted_payout: payout === 'decline' ? '0.000 SBD' : '1000000.000 SBD',
      percent_steem_dollars: payout === '0' ? 0 : 10000,
      allow_votes: true, allow_curation_rewards: true,
      extensions: shares.length ? [[0, { beneficiaries: shares }]] : [],
    }]];
  }

  // Each form's data-action: (form, me) → [operations, role, after?]
  const FORMS = {
    vote(form, me) {
      const weight = Number(form.weight.value) * 100 * Number(form.dataset.sign);
      return [[['vote', { voter: me, author: form.dataset.author, permlink: form.dataset.permlink, weight }]], 'posting'];
    },
    comment(form, me) {
      const parent = form.dataset;
      const permlink = `re-${slug(parent.author)}-${parent.permlink}-${stamp()}`.slice(0, 255).toLowerCase();
      const body = form.body.value;
      return [[['comment', {
        parent_author: parent.author, parent_permlink: parent.permlink, author: me, permlink,
        title: '', body, json_metadata: metadata(body, [parent.category]),
      }]], 'posting'];
    },
    post(form, me) {
      const editing = form.dataset.permlink;
      const body = form.body.value;
      const title = form.title ? form.title.value.trim() : '';
      const tags = form.tags ? form.tags.value.trim().toLowerCase().split(/\s+/).filter(Boolean) : [];
      if (!editing && !tags.length) throw new Error('Add at least one tag.');
      if (tags.length > 8) throw new Error('Use at most 8 tags.');
      const permlink = editing || `${slug(title) || 'post'}-${stamp()}`;
      const parentPermlink = editing ? form.dataset.parentPermlink : tags[0];
      const ops = [['comment', {
        parent_author: editing ? form.dataset.parentAuthor : '', parent_permlink: parentPermlink,
        author: editing ? form.dataset.author : me, permlink, title, body, json_metadata: metadata(body, tags),
      }]];
      if (!editing) {
        ops.push(...commentOptions(me, permlink, form.payout.value, beneficiaries(form.beneficiaries.value, me)));
      }
      const after = () => {
        if (!editing) window.localStorage.removeItem(DRAFT);
        window.location.href = editing ? `/@${form.dataset.author}/${permlink}` : `/${tags[0]}/@${me}/${permlink}`;
      };
      return [ops, 'posting', after];
    },
    transfer(form, me) {
      return [[['transfer', { from: me, to: form.to.value.trim(), amount: asset(form.amount.value, form.symbol.value), memo: form.memo.value }]], 'active'];
    },
    power_up(form, me) {
      return [[['transfer_to_vesting', { from: me, to: me, amount: asset(form.amount.value, 'STEEM') }]], 'active'];
    },
    power_down(form, me) {
      return [[['withdraw_vesting', { account: me, vesting_shares: vests(form.amount.value) }]], 'active'];
    },
    delegate(form, me) {
      return [[['delegate_vesting_shares', { delegator: me, delegatee: form.to.value.trim(), vesting_shares: vests(form.amount.value) }]], 'active'];
    },
  };

  // Each button's data-act that broadcasts at once: (button, me) → [operations, role] (or null).
  const BUTTONS = {
    delete(b) {
      if (!window.confirm('Delete this post?')) return null;
      const { author, permlink } = target(b);
      return [[['delete_comment', { author, permlink }]], 'posting'];
    },
    resteem(b, me) {
      if (!window.confirm('This post will be added to your blog and shared with your followers.')) return null;
      const { author, permlink } = target(b);
      const json = JSON.stringify(['reblog', { account: me, author, permlink }]);
      return [[['custom_json', { required_auths: [], required_posting_auths: [me], id: 'follow', json }]], 'posting'];
    },
    follow(b, me) {
      return [[follow(me, b.dataset.following, b.dataset.what)], 'posting'];
    },
    claim(b, me) {
      const d = b.dataset;
      return [[['claim_reward_balance', { account: me, reward_steem: d.steem, reward_sbd: d.sbd, reward_vests: d.vests }]], 'active'];
    },
  };

  // --- inline forms (vote weight, reply) -------------------------------------------------------

  // A form from a <template>, opened (or closed again) right after `anchor`.
  function openInline(anchor, templateId, data) {
    const open = anchor.parentElement.querySelector(':scope > form.inline');
    if (open) { open.remove(); return; }
    const form = document.getElementById(templateId).content.firstElementChild.cloneNode(true);
    form.classList.add('inline');
    Object.assign(form.dataset, data);
    anchor.insertAdjacentElement('afterend', form);
    const range = form.querySelector('input[type=range]');
    if (range) range.addEventListener('input', () => { form.querySelector('output').textContent = `${range.value}%`; });
    (form.querySelector('textarea, input') || form).focus();
  }

  function toggleForm(id, button) {
    const form = document.getElementById(id);
    form.hidden = !form.hidden;
    if (!form.hidden) {
      if (button.dataset.symbol && form.symbol) form.symbol.value = button.dataset.symbol;
      form.querySelector('input').focus();
    }
  }

  async function onClick(event) {
    const button = event.target.closest('[data-act]');
    if (!button) return;
    const act = button.dataset.act;
    const me = window.Stoa.user();
    if (act === 'theme') return toggleTheme();
    if (act === 'logout') { window.Stoa.logout(); showControls(); return say('Logged out.'); }
    if (act === 'cancel') return button.closest('form').remove();
    if (act === 'close') { button.closest('form').hidden = true; return undefined; }
    if (act === 'clear-draft') return clearDraft();
    if (act === 'open') return toggleForm(button.dataset.form, button);
    if (act === 'vote' || act === 'downvote') {
      const { author, permlink } = target(button);
      return openInline(button.parentElement, 'vote-form', { author, permlink, sign: act === 'vote' ? '1' : '-1' });
    }
    if (act === 'reply') {
      const { author, permlink } = target(button);
      const { category } = button.closest('[data-category]').dataset;
      return openInline(button.parentElement, 'reply-form', { author, permlink, category });
    }
    if (BUTTONS[act] && me) {
      const built = BUTTONS[act](button, me);
      if (built) await send(built[0], built[1]);
    }
    return undefined;
  }

  async function onSubmit(event) {
    const form = event.target;
    const action = form.dataset.action;
    if (!action) return;
    event.preventDefault();
    if (action === 'login') return submitLogin(form);
    const me = window.Stoa.user();
    if (!me) return say('Log in first.', true);
    let built;
    try {
      built = FORMS[action](form, me);
    } catch (error) {
      return say(error.message, true);
    }
    const submit = form.querySelector('[type=submit]');
    submit.disabled = true;
    await send(built[0], built[1], built[2]);
    submit.disabled = false;
    return undefined;
  }

  async function submitLogin(form) {
    say('Checking your keys…');
    try {
      const name = await window.Stoa.login(form.name.value, form.secret.value, form.remember.checked);
      form.secret.value = '';
      window.location.href = `/@${name}/feed`;
    } catch (error) {
      form.secret.value = '';
      say(error.message, true);
    }
  }

  // --- editor: live preview and drafts ----------------------------------------------------------

  const DRAFT_FIELDS = ['title', 'body', 'tags', 'payout', 'beneficiaries'];

  function setupEditor() {
    const form = $('#editor');
    if (!form) return;
    const editing = Boolean(form.dataset.permlink);
    if (!editing) restoreDraft(form);
    let timer = null;
    const preview = async () => {
      const answer = await fetch('/preview', { method: 'POST', body: form.body.value });
      $('#preview').innerHTML = await answer.text(); // the server's sanitized rendering
    };
    form.addEventListener('input', () => {
      if (!editing) saveDraft(form);
      clearTimeout(timer);
      timer = setTimeout(preview, 250);
    });
    preview();
  }

  function saveDraft(form) {
    const draft = {};
    DRAFT_FIELDS.forEach((name) => { if (form[name]) draft[name] = form[name].value; });
    window.localStorage.setItem(DRAFT, JSON.stringify(draft));
    $('.draft-note').textContent = 'Draft saved in this browser.';
  }

  function restoreDraft(form) {
    let draft = null;
    try { draft = JSON.parse(window.localStorage.getItem(DRAFT) || 'null'); } catch (error) { draft = null; }
    if (!draft) return;
    DRAFT_FIELDS.forEach((name) => { if (form[name] && draft[name] !== undefined) form[name].value = draft[name]; });
    $('.draft-note').textContent = 'Draft restored.';
  }

  function clearDraft() {
    window.localStorage.removeItem(DRAFT);
    const form = $('#editor');
    DRAFT_FIELDS.forEach((name) => { if (form[name] && form[name].tagName !== 'SELECT') form[name].value = ''; });
    $('#preview').innerHTML = '';
    $('.draft-note').textContent = '';
  }

  // --- night mode -----------------------------------------------------------------------------

  function applyTheme() {
    const theme = window.localStorage.getItem('stoa.theme');
    if (theme) document.documentElement.dataset.theme = theme;
  }

  function toggleTheme() {
    const dark = document.documentElement.dataset.theme === 'dark'
      || (!document.documentElement.dataset.theme && window.matchMedia('(prefers-color-scheme: dark)').matches);
    const theme = dark ? 'light' : 'dark';
    window.localStorage.setItem('stoa.theme', theme);
    document.documentElement.dataset.theme = theme;
  }

  window.StoaSite = {
    form(action, build) { FORMS[action] = build; },
    say,
  };

  applyTheme();
  document.addEventListener('DOMContentLoaded', () => {
    showControls();
    setupEditor();
    document.addEventListener('click', onClick);
    document.addEventListener('submit', onSubmit);
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') $$('form.inline').forEach((form) => form.remove());
    });
  });
})();
