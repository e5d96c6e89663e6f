"""Every operation survives JSON → record → bytes → record → JSON in both JSON forms."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stoa.protocol import OPERATION, SignedTransaction
from stoa.protocol.operations import BY_ID, Operation

from .strategies import operations, records, valid_operation


def roundtrip_bytes(op: Operation) -> Operation:
    out = bytearray()
    OPERATION.pack(op, out)
    decoded, end = OPERATION.unpack(bytes(out), 0)
    assert end == len(out)
    return decoded


@settings(max_examples=400)
@given(operations(), st.booleans())
def test_every_operation_roundtrips(op: Operation, appbase: bool) -> None:
    as_json = OPERATION.dump(op, appbase)
    parsed = OPERATION.parse(as_json)
    assert parsed == op
    decoded = roundtrip_bytes(parsed)
    assert decoded == op
    assert OPERATION.dump(decoded, appbase) == as_json


@given(
    st.sampled_from(sorted(cls.OP_NAME for cls in BY_ID.values() if cls.OP_NAME not in ("pow", "pow2"))).flatmap(
        valid_operation
    )
)
def test_valid_operations_pass_validation_after_roundtrip(op: Operation) -> None:
    decoded = roundtrip_bytes(OPERATION.parse(OPERATION.dump(op, False)))
    decoded.validate()
    assert decoded == op


@settings(max_examples=100)
@given(records(SignedTransaction, operations=st.lists(operations(), min_size=1, max_size=3).map(tuple)), st.booleans())
def test_transactions_roundtrip(tx: SignedTransaction, appbase: bool) -> None:
    assert SignedTransaction.from_bytes(tx.to_bytes()) == tx
    assert SignedTransaction.parse(tx.to_json(appbase)) == tx


def test_every_registered_operation_is_generated() -> None:
    names = {cls.OP_NAME for cls in BY_ID.values()}
    assert len(names) == len(BY_ID) >= 27
