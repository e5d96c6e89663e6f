"""The witness schedule: election every 21 blocks, own slots only, missed slots, LIB, median properties."""

from __future__ import annotations

import pytest

from stoa.chain.errors import ChainError
from stoa.chain.schedule import MAX_WITNESSES, require_scheduled, shuffle, witness_for_time
from stoa.protocol import Asset
from stoa.protocol.operations import AccountWitnessVote, ChainProperties, WitnessUpdate

from .conftest import DevChain, role_key
from .test_witness import active, make_witnesses


def test_shuffle_is_a_deterministic_permutation() -> None:
    names = [f"w{i:02d}" for i in range(21)]
    first = shuffle(names, 1_700_000_000)
    assert sorted(first) == names
    assert shuffle(names, 1_700_000_000) == first
    assert shuffle(names, 1_700_000_003) != first


def test_until_more_witnesses_exist_initminer_has_every_slot(chain: DevChain) -> None:
    chain.node.generate_blocks(MAX_WITNESSES * 2)
    assert chain.state.schedule().witnesses() == ["initminer"]
    dgp = chain.state.dgp()
    assert dgp.current_aslot == dgp.head_block_number
    assert dgp.last_irreversible_block_num == dgp.head_block_number - MAX_WITNESSES


def test_an_elected_witness_gets_slots_and_misses_them(chain: DevChain) -> None:
    chain.create_account("alice")
    make_witnesses(chain, "bob")
    chain.apply(AccountWitnessVote("alice", "bob", True), keys=active("alice"))
    start = chain.state.dgp().head_block_number
    chain.node.generate_blocks(MAX_WITNESSES * 3)
    assert sorted(chain.state.schedule().witnesses()) == ["bob", "initminer"]
    dgp = chain.state.dgp()
    assert dgp.current_aslot > dgp.head_block_number  # some slots passed without a block
    bob = chain.state.witness("bob")
    assert bob is not None and bob.total_missed > 0
    assert bob.total_missed == dgp.current_aslot - dgp.head_block_number
    assert chain.state.dgp().head_block_number == start + MAX_WITNESSES * 3
    slots = [dgp.time + 3 * step for step in range(1, 3)]
    bobs_slot = next(when for when in slots if witness_for_time(chain.state, when) == "bob")
    require_scheduled(chain.state, "bob", bobs_slot)
    with pytest.raises(ChainError) as caught:
        require_scheduled(chain.state, "initminer", bobs_slot)
    assert caught.value.rule == "schedule"
    assert chain.node.next_block_time() != bobs_slot  # this node leaves bob's slots empty


def test_block_of_the_wrong_witness_is_refused(chain: DevChain) -> None:
    when = chain.node.next_block_time()
    with pytest.raises(ChainError) as caught:
        require_scheduled(chain.state, "alice", when)
    assert caught.value.rule == "schedule"
    require_scheduled(chain.state, "initminer", when)


def test_median_properties_take_effect_at_the_next_election(chain: DevChain) -> None:
    make_witnesses(chain, "bob", "carol")
    for name, fee in (("bob", 5_000), ("carol", 7_000)):
        props = ChainProperties(Asset(fee, "STEEM"), 131072, 0)
        update = WitnessUpdate(
            name, "https://example.com", role_key(name, "active").public_key, props, Asset(0, "STEEM")
        )
        chain.apply(update, keys=active(name))
    chain.node.generate_blocks(MAX_WITNESSES * 2)
    assert chain.state.schedule().account_creation_fee == 5_000  # median of 3,000, 5,000 and 7,000
