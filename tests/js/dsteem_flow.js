// A user flow driven by dsteem's own Client against a Stoa node:
//   node dsteem_flow.js URL CHAIN_ID INIT_WIF NAME
// Creates NAME, funds it, powers up, posts, votes, delegates, powers down, then prints what
// dsteem reads back as one JSON line. Any failure exits 1 with the error on stderr.
'use strict';
const dsteem = require('dsteem');

async function main() {
  const [url, chainId, initWif, name] = process.argv.slice(2);
  const client = new dsteem.Client(url, { chainId, addressPrefix: 'STM', timeout: 30000 });
  const init = dsteem.PrivateKey.fromString(initWif);
  const key = (role) => dsteem.PrivateKey.fromLogin(name, 'dsteem-password', role);
  const auth = (role) => dsteem.Authority.from(key(role).createPublic('STM'));
  const props = await client.database.getChainProperties();
  const results = {};

  results.create = await client.broadcast.sendOperations([['account_create', {
    fee: props.account_creation_fee, creator: 'initminer', new_account_name: name,
    owner: auth('owner'), active: auth('active'), posting: auth('posting'),
    memo_key: key('memo').createPublic('STM'), json_metadata: '',
  }]], init);
  results.transfer = await client.broadcast.transfer(
    { from: 'initminer', to: name, amount: '200.000 STEEM', memo: 'from dsteem' }, init);
  results.power_up = await client.broadcast.sendOperations([['transfer_to_vesting',
    { from: name, to: name, amount: '100.000 STEEM' }]], key('active'));
  results.post = await client.broadcast.comment({
    parent_author: '', parent_permlink: 'news', author: name, permlink: 'dsteem-post',
    title: 'Posted by dsteem', body: 'Hello from dsteem', json_metadata: JSON.stringify({ tags: ['news'] }),
  }, key('posting'));
  results.vote = await client.broadcast.vote(
    { voter: name, author: name, permlink: 'dsteem-post', weight: 10000 }, key('posting'));
  results.delegate = await client.broadcast.delegateVestingShares(
    { delegator: name, delegatee: 'initminer', vesting_shares: '1000.000000 VESTS' }, key('active'));
  results.power_down = await client.broadcast.sendOperations([['withdraw_vesting',
    { account: name, vesting_shares: '13000.000000 VESTS' }]], key('active'));
  const [account] = await client.database.getAccounts([name]);
  results.account = account;
  results.block = await client.database.getBlock(results.post.block_num);
  process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((error) => {
  process.stderr.write(`dsteem flow failed: ${error && error.message ? error.message : error}\n`);
  process.exit(1);
});
