/* The /market page's behaviour: the logged-in reader's open orders with cancel, and the buy and sell
 * forms. Both are forms of the site's (window.StoaSite.form, site.js): each order and cancel is signed
 * in this browser with the active key (stoa.js). Reading the page never needs this file. */
(function () {
  'use strict';
  const $ = (selector, root) => (root || document).querySelector(selector);
  const LIFE = 27 * 24 * 3600 * 1000; // orders live 27 days from the head block the page showed (the chain allows 28)

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

  function expiration() {
    const head = Date.parse(`${$('.market').dataset.headTime}Z`);
    return new Date(head + LIFE).toISOString().slice(0, 19);
  }

  // A buy sells price × amount SBD for at least `amount` STEEM; a sell the other way round.
  function order(form, me) {
    const price = number(form.price.value, 'price');
    const amount = number(form.amount.value, 'amount');
    const steem = asset(amount, 'STEEM');
    const sbd = asset(price * amount, 'SBD');
    const buying = form.dataset.side === 'buy';
    return [[['limit_order_create', {
      owner: me,
      orderid: Math.floor(Date.now() / 1000) >>> 0,
      amount_to_sell: buying ? sbd : steem,
      min_to_receive: buying ? steem : sbd,
      fill_or_kill: false,
      expiration: expiration(),
    }]], 'active'];
  }

  function cancel(form, me) {
    return [[['limit_order_cancel', { owner: me, orderid: Number(form.dataset.orderid) }]], 'active'];
  }

  // --- open orders ------------------------------------------------------------------------------

  function cell(row, text) {
    const td = document.createElement('td');
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function cancelForm(orderid) {
    const form = document.createElement('form');
    form.dataset.action = 'market-cancel';
    form.dataset.orderid = String(orderid);
    const button = document.createElement('button');
    button.type = 'submit';
    button.textContent = 'Cancel';
    form.appendChild(button);
    return form;
  }

  function orderRow(found) {
    const base = found.sell_price.base;
    const quote = found.sell_price.quote;
    const buying = base.endsWith('SBD');
    const price = buying ? amountOf(base) / amountOf(quote) : amountOf(quote) / amountOf(base);
    const forSale = found.for_sale / 1000;
    const row = document.createElement('tr');
    cell(row, found.created.replace('T', ' '));
    cell(row, buying ? 'Buy' : 'Sell').className = buying ? 'buy' : 'sell';
    cell(row, price.toFixed(6));
    cell(row, (buying ? forSale / price : forSale).toFixed(3));
    cell(row, (buying ? forSale : forSale * price).toFixed(3));
    cell(row, '').appendChild(cancelForm(found.orderid));
    return row;
  }

  async function showOpenOrders(me) {
    const orders = await rpc('condenser_api.get_open_orders', [me]);
    $('#open-orders tbody').replaceChildren(...orders.map(orderRow));
    $('#no-open-orders').hidden = orders.length > 0;
  }

  function updateTotal(form) {
    const total = Number(form.price.value) * Number(form.amount.value);
    form.total.value = Number.isFinite(total) ? total.toFixed(3) : '0.000';
  }

  window.StoaSite.form('market-order', order);
  window.StoaSite.form('market-cancel', cancel);
  document.addEventListener('DOMContentLoaded', () => {
    document.addEventListener('input', (event) => {
      const form = event.target.closest('form[data-action="market-order"]');
      if (form) updateTotal(form);
    });
    const me = window.Stoa.user();
    if (me) showOpenOrders(me).catch((error) => window.StoaSite.say(error.message, true));
  });
})();
