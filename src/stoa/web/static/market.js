/* The /market page's behaviour: the logged-in reader's open orders with cancel, and the buy and sell
 * forms; every order and cancel is signed in this browser by window.Stoa (stoa.js) with the active key.
 * Reading the page never needs this file. */
(function () {
  'use strict';
  const $ = (selector, root) => (root || document).querySelector(selector);
  const LIFE = 27 * 24 * 3600 * 1000; // orders live 27 days (the chain allows 28)

  // Messages go to the page's own live region, beside the forms.
  function say(text, isError) {
    Object.assign($('#market-status'), { textContent: text, className: isError ? 'error' : 'info', hidden: false });
  }

  async function rpc(method, params) {
    const response = await fetch('/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const answer = await response.json();
    if (answer.error) throw new Error(answer.error.message);
    return answer.result;
  }

  function number(value, what) {
    const found = Number(String(value).trim());
    if (!Number.isFinite(found) || found <= 0) throw new Error(`Enter a ${what} greater than zero.`);
    return found;
  }

  const asset = (value, symbol) => `${value.toFixed(3)} ${symbol}`;
  const amountOf = (text) => Number(text.split(' ')[0]);

  async function expiration() {
    const head = await rpc('condenser_api.get_dynamic_global_properties', []);
    return new Date(Date.parse(`${head.time}Z`) + LIFE).toISOString().slice(0, 19);
  }

  // A buy sells price × amount SBD for at least `amount` STEEM; a sell the other way round.
  async function order(form, me) {
    const price = number(form.price.value, 'price');
    const amount = number(form.amount.value, 'amount');
    const steem = asset(amount, 'STEEM');
    const sbd = asset(price * amount, 'SBD');
    const buying = form.dataset.market === 'buy';
    return ['limit_order_create', {
      owner: me,
      orderid: Math.floor(Date.now() / 1000) >>> 0,
      amount_to_sell: buying ? sbd : steem,
      min_to_receive: buying ? steem : sbd,
      fill_or_kill: false,
      expiration: await expiration(),
    }];
  }

  async function send(operations) {
    say('Signing and broadcasting…');
    try {
      await window.Stoa.broadcast(operations, 'active');
    } catch (error) {
      say(error.message, true);
      return;
    }
    say('Done.');
    window.location.reload();
  }

  // --- open orders ------------------------------------------------------------------------------

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function orderRow(found) {
    const base = found.sell_price.base;
    const quote = found.sell_price.quote;
    const buying = base.endsWith('SBD');
    const price = buying ? amountOf(base) / amountOf(quote) : amountOf(quote) / amountOf(base);
    const forSale = found.for_sale / 1000;
    const row = document.createElement('tr');
    row.dataset.orderid = String(found.orderid);
    cell(row, found.created.replace('T', ' '));
    cell(row, buying ? 'Buy' : 'Sell').className = buying ? 'buy' : 'sell';
    cell(row, price.toFixed(6));
    cell(row, (buying ? forSale / price : forSale).toFixed(3));
    cell(row, (buying ? forSale : forSale * price).toFixed(3));
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Cancel';
    button.dataset.cancel = String(found.orderid);
    cell(row, '').appendChild(button);
    return row;
  }

  async function showOpenOrders(me) {
    const orders = await rpc('condenser_api.get_open_orders', [me]);
    const body = $('#open-orders tbody');
    body.replaceChildren(...orders.map(orderRow));
    $('#no-open-orders').hidden = orders.length > 0;
  }

  // --- events -----------------------------------------------------------------------------------

  function updateTotal(form) {
    const total = Number(form.price.value) * Number(form.amount.value);
    form.total.value = Number.isFinite(total) ? total.toFixed(3) : '0.000';
  }

  async function onSubmit(event) {
    const form = event.target.closest('form[data-market]');
    if (!form) return;
    event.preventDefault();
    const me = window.Stoa.user();
    if (!me) { say('Log in first.', true); return; }
    let operation;
    try {
      operation = await order(form, me);
    } catch (error) {
      say(error.message, true);
      return;
    }
    await send([operation]);
  }

  async function onClick(event) {
    const button = event.target.closest('[data-cancel]');
    const me = window.Stoa.user();
    if (!button || !me) return;
    await send([['limit_order_cancel', { owner: me, orderid: Number(button.dataset.cancel) }]]);
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.addEventListener('submit', onSubmit);
    document.addEventListener('click', onClick);
    document.addEventListener('input', (event) => {
      const form = event.target.closest('form[data-market]');
      if (form) updateTotal(form);
    });
    const me = window.Stoa.user();
    if (me) showOpenOrders(me).catch((error) => say(error.message, true));
  });
})();
