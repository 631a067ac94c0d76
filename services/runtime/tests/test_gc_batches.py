"""The collector is held off while batches are in progress, and only then."""

import gc

from services.runtime.gc_batches import collection_deferred


def test_nested_batches_turn_the_collector_back_on_when_the_last_one_ends() -> None:
    assert gc.isenabled()
    with collection_deferred():
        assert not gc.isenabled()
        with collection_deferred():  # a second runner's batch on the same event loop
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        with collection_deferred():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_in_a_batch_turns_the_collector_back_on() -> None:
    try:
        with collection_deferred():
            raise ValueError("apply failed")
    except ValueError:
        pass
    assert gc.isenabled()
