"""core.batching.Batcher with OS threads (the server's green threads see the same locks): requests
arriving while a batch runs go together in the next one, one batch at a time, each key at most once
in a batch, and a failing batch fails its own items only."""
import threading
import time

import pytest

from ecabinet.core.batching import Batcher, WaitedTooLong


class Recorder:
    """A run that takes a while (a round trip) and records its batches and whether two overlapped."""

    def __init__(self, delay=0.02, fail_when=None):
        self.delay, self.fail_when = delay, fail_when
        self.batches, self.running, self.overlapped = [], 0, False
        self._lock = threading.Lock()

    def __call__(self, items):
        with self._lock:
            self.running += 1
            self.overlapped |= self.running > 1
            self.batches.append(list(items))
        try:
            time.sleep(self.delay)
            if self.fail_when and self.fail_when(items):
                raise RuntimeError("the batch failed")
            return [item * 10 for item in items]
        finally:
            with self._lock:
                self.running -= 1


def _submit_all(batcher, items, keys=None):
    results, errors = {}, {}
    start = threading.Barrier(len(items))

    def one(index):
        start.wait()
        try:
            results[index] = batcher.submit(items[index], key=keys[index] if keys else None)
        except Exception as error:  # noqa: BLE001 (what the caller would see)
            errors[index] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a submit never returned"
    return results, errors


def test_a_lone_request_runs_at_once_alone():
    run = Recorder(delay=0)
    assert Batcher(run, max_size=50).submit(7) == 70
    assert run.batches == [[7]]


def test_requests_arriving_together_share_batches_one_batch_at_a_time():
    run = Recorder()
    results, errors = _submit_all(Batcher(run, max_size=50), list(range(120)))
    assert not errors
    assert results == {i: i * 10 for i in range(120)}
    assert sorted(item for batch in run.batches for item in batch) == list(range(120))  # each once
    assert len(run.batches) < 60, "the requests did not share batches"
    assert max(len(batch) for batch in run.batches) <= 50
    assert not run.overlapped


def test_one_key_at_most_once_in_a_batch():
    run = Recorder()
    keys = [i % 5 for i in range(40)]   # five voters, eight tablets each
    results, errors = _submit_all(Batcher(run, max_size=100), list(range(40)), keys)
    assert not errors and results == {i: i * 10 for i in range(40)}
    for batch in run.batches:
        batch_keys = [keys[item] for item in batch]
        assert len(batch_keys) == len(set(batch_keys)), batch


def test_a_failing_batch_fails_its_own_items_and_the_next_batch_runs():
    run = Recorder(fail_when=lambda items: 0 in items)
    batcher = Batcher(run, max_size=100)
    results, errors = _submit_all(batcher, list(range(30)))
    failed = next(batch for batch in run.batches if 0 in batch)
    assert set(errors) == set(failed)
    assert all(str(error) == "the batch failed" for error in errors.values())
    assert results == {i: i * 10 for i in range(30) if i not in failed}
    assert batcher.submit(99) == 990   # not left busy


def test_a_run_giving_the_wrong_number_of_results_is_an_error_not_a_wrong_answer():
    batcher = Batcher(lambda items: [1], max_size=10)
    results, errors = _submit_all(batcher, [1, 2, 3, 4])
    # Whichever batches formed: a batch of one gets its result, every larger batch an error.
    assert len(results) + len(errors) == 4
    assert all(isinstance(error, RuntimeError) for error in errors.values())
    with pytest.raises(RuntimeError):
        Batcher(lambda items: [], max_size=10).submit(1)


def test_a_request_waiting_too_long_for_the_batch_in_flight_is_withdrawn_unsent():
    release = threading.Event()
    ran = []

    def run(items):
        ran.append(list(items))
        release.wait(10)   # the first batch hangs on a lock
        return items

    batcher = Batcher(run, max_size=10)
    first = threading.Thread(target=batcher.submit, args=(1,))
    first.start()
    while not ran:
        time.sleep(0.01)
    with pytest.raises(WaitedTooLong):
        batcher.submit(2, timeout=0.2)
    release.set()
    first.join(10)
    assert ran == [[1]]              # 2 was never sent
    assert batcher.submit(3) == 3    # and the batcher is free again
