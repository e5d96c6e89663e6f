"""The witness schedule (protocol.md §5.2–5.3, steemd's witness_schedule.cpp).

It covers who signs which 3-second slot, missed slots, the last irreversible block and the median
chain properties.

Every 21 blocks the schedule is rebuilt: the 20 witnesses with the most votes, plus one "timeshare"
runner-up chosen by the smallest virtual scheduled time, shuffled with steemd's xorshift seeded by
the head block time. Witnesses with the null signing key are skipped.
"""

from __future__ import annotations

import orjson

from . import params
from .errors import ChainError
from .objects import DynamicGlobalProperties, Witness, WitnessSchedule
from .state import DGP, WITNESS_SCHEDULE, WITNESSES, State

NULL_KEY = "STM1111111111111111111111111111111114T1Anm"
MAX_VOTED_WITNESSES = 20
MAX_WITNESSES = 21
SHUFFLE_MULTIPLIER = 2685821657736338717
U64 = (1 << 64) - 1
VIRTUAL_SCHEDULE_LAP_LENGTH = (1 << 128) - 1
START_MINER_VOTING_BLOCK = params.BLOCKS_PER_DAY * 30
IRREVERSIBLE_THRESHOLD = 7500


def slot_at_time(dgp: DynamicGlobalProperties, when: int) -> int:
    """get_slot_at_time: 0 for a time at or before the head, then 1, 2, … for each following slot."""
    first_slot_time = dgp.time - dgp.time % params.BLOCK_INTERVAL + params.BLOCK_INTERVAL
    if when < first_slot_time:
        return 0
    return (when - first_slot_time) // params.BLOCK_INTERVAL + 1


def scheduled_witness(schedule: WitnessSchedule, dgp: DynamicGlobalProperties, slot: int) -> str:
    """get_scheduled_witness: the witness of the `slot`-th slot after the head."""
    names = schedule.witnesses()
    return names[(dgp.current_aslot + slot) % len(names)]


def witness_for_time(state: State, when: int) -> str:
    dgp = state.dgp()
    return scheduled_witness(state.schedule(), dgp, slot_at_time(dgp, when))


def require_scheduled(state: State, witness: str, when: int) -> None:
    """A block must be signed by the witness scheduled for its slot."""
    expected = witness_for_time(state, when)
    if witness != expected:
        raise ChainError("witness", "schedule", f"the slot at this time belongs to {expected}, not {witness}")


def record_missed_slots(state: State, dgp: DynamicGlobalProperties, missed: int, producer: str) -> None:
    """Every scheduled witness whose slot passed without a block gets a total_missed (not the producer)."""
    if missed <= 0:
        return
    names = WITNESS_SCHEDULE.get(state.db, 0)
    if names is None:
        return
    order = names.witnesses()
    count = len(order)
    for offset, name in enumerate(order):
        # slots 1..missed land on order[(aslot + slot) % count]; count those that fall on `offset`
        first = (offset - dgp.current_aslot - 1) % count + 1
        misses = 0 if first > missed else (missed - first) // count + 1
        if misses and name != producer:
            witness = state.witness(name)
            if witness is not None:
                witness.total_missed += misses
                WITNESSES.update(state.db, witness)


def confirm_block(state: State, producer: str, block_num: int, aslot: int) -> None:
    witness = state.witness(producer)
    if witness is None:
        raise ChainError("witness", "unknown-witness", f"{producer} is not a witness")
    witness.last_confirmed_block_num = block_num
    witness.last_aslot = aslot
    WITNESSES.update(state.db, witness)


def last_irreversible(state: State, dgp: DynamicGlobalProperties) -> int:
    """update_last_irreversible_block: head − 21 for the first 30 days, then the block that 75 % of
    the scheduled witnesses have confirmed; it never goes back."""
    head = dgp.head_block_number
    if head < START_MINER_VOTING_BLOCK:
        candidate = head - MAX_WITNESSES if head > MAX_WITNESSES else dgp.last_irreversible_block_num
    else:
        confirmed = sorted(
            w.last_confirmed_block_num for w in map(state.witness, state.schedule().witnesses()) if w is not None
        )
        offset = (params.PERCENT_100 - IRREVERSIBLE_THRESHOLD) * len(confirmed) // params.PERCENT_100
        candidate = confirmed[offset] if confirmed else dgp.last_irreversible_block_num
    return max(candidate, dgp.last_irreversible_block_num)


def shuffle(names: list[str], head_time: int) -> list[str]:
    """steemd's xorshift shuffle, seeded by the head block time (64-bit wrapping arithmetic)."""
    order = list(names)
    seed = (head_time << 32) & U64
    for i in range(len(order)):
        k = (seed + i * SHUFFLE_MULTIPLIER) & U64
        k ^= k >> 12
        k = (k ^ (k << 25)) & U64
        k ^= k >> 27
        k = (k * SHUFFLE_MULTIPLIER) & U64
        j = i + k % (len(order) - i)
        order[i], order[j] = order[j], order[i]
    return order


def elect(state: State, current_virtual_time: int) -> tuple[list[str], int, str]:
    """The top 20 by votes, then runners-up by virtual scheduled time up to 21 in all; also the new
    virtual time and the timeshare runner ("" if none)."""
    rows = state.db.execute(
        "SELECT owner FROM witnesses WHERE signing_key != ? ORDER BY votes DESC, owner", (NULL_KEY,)
    )
    candidates = [name for (name,) in rows]
    active = candidates[:MAX_VOTED_WITNESSES]
    runners = [w for w in map(state.witness, candidates[MAX_VOTED_WITNESSES:]) if w is not None]
    runners.sort(key=lambda w: (int(w.virtual_scheduled_time), w.owner))
    new_virtual_time = current_virtual_time
    timeshare = ""
    for runner in runners:
        if len(active) >= MAX_WITNESSES:
            break
        new_virtual_time = int(runner.virtual_scheduled_time)
        active.append(runner.owner)
        timeshare = runner.owner
        reschedule(state, runner, new_virtual_time)
    return active, new_virtual_time, timeshare


def reschedule(state: State, runner: Witness, virtual_time: int) -> None:
    """A runner-up who got a slot goes to the back of the queue, the further the fewer its votes."""
    runner.virtual_position = "0"
    runner.virtual_last_update = str(virtual_time)
    runner.virtual_scheduled_time = str(virtual_time + VIRTUAL_SCHEDULE_LAP_LENGTH // (runner.votes + 1))
    WITNESSES.update(state.db, runner)


def median(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def update_witness_schedule(state: State) -> None:
    """Every 21st block: elect, shuffle, and take the median of the chosen witnesses' properties."""
    dgp = state.dgp()
    if dgp.head_block_number % MAX_WITNESSES:
        return
    schedule = state.schedule()
    active, virtual_time, timeshare = elect(state, int(schedule.current_virtual_time))
    if not active:
        return  # no witness has a signing key: keep the schedule there is
    chosen = [w for w in map(state.witness, active) if w is not None]
    schedule.current_shuffled_witnesses = orjson.dumps(shuffle(active, dgp.time)).decode()
    schedule.current_virtual_time = str(virtual_time)
    schedule.timeshare_witness = timeshare
    schedule.next_shuffle_block_num = dgp.head_block_number + len(active)
    schedule.account_creation_fee = median([w.account_creation_fee for w in chosen])
    schedule.maximum_block_size = median([w.maximum_block_size for w in chosen])
    schedule.sbd_interest_rate = median([w.sbd_interest_rate for w in chosen])
    WITNESS_SCHEDULE.update(state.db, schedule)
    dgp.maximum_block_size = schedule.maximum_block_size
    dgp.sbd_interest_rate = schedule.sbd_interest_rate
    DGP.update(state.db, dgp)


def genesis_schedule(witness: Witness) -> WitnessSchedule:
    return WitnessSchedule(
        current_shuffled_witnesses=orjson.dumps([witness.owner]).decode(),
        current_virtual_time="0",
        next_shuffle_block_num=1,
        account_creation_fee=witness.account_creation_fee,
        maximum_block_size=witness.maximum_block_size,
        sbd_interest_rate=witness.sbd_interest_rate,
    )
