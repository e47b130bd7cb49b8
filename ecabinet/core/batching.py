"""Requests that arrive together, sent to the database together (group commit).

In a vote storm hundreds of tablets vote within a second. Each vote alone is one statement and one
commit: a round trip, a wake-up of the PostgreSQL backend and a WAL flush each, which cost more
than the vote itself. A Batcher lets whoever arrives while a batch is in flight wait for the next
batch, which the first of them runs for all: under load a few statements carry the whole wave, and
a lone request runs at once (it only yields to the requests already arrived).

One batch at a time per Batcher and process. Works with eventlet's green threads (the server) and
with OS threads (the tests), since both see the threading module's locks and events.
"""
import threading
import time


class WaitedTooLong(TimeoutError):
    """The batch in flight did not finish within the caller's timeout; this item was not sent."""


class _Slot:
    __slots__ = ("item", "key", "done", "lead", "result", "error")

    def __init__(self, item, key):
        self.item, self.key = item, key
        self.done = threading.Event()
        self.lead = False
        self.result = self.error = None


class Batcher:
    """run(items) -> one result per item, in their order; it runs in the submitting request that
    leads the batch (its session, its connection). An exception from run reaches every item of
    that batch. Items with the same key never share a batch (one voter's two tablets): the later
    one waits for the next."""

    def __init__(self, run, *, max_size):
        self._run = run
        self.max_size = max_size
        self._lock = threading.Lock()
        self._pending = []
        self._busy = False

    def submit(self, item, key=None, timeout=None):
        """The item's result once its batch ran. `timeout`: how long to wait for the batch in flight
        (as for a pool connection); past it, an item not yet sent is withdrawn (WaitedTooLong), an
        item already in a running batch waits for its outcome."""
        slot = _Slot(item, key)
        with self._lock:
            self._pending.append(slot)
            lead, self._busy = not self._busy, True
        if not lead:
            if not slot.done.wait(timeout):
                with self._lock:
                    if not slot.lead and slot in self._pending:
                        self._pending.remove(slot)
                        raise WaitedTooLong()
                slot.done.wait()
            if not slot.lead:
                return self._outcome(slot)
        time.sleep(0)  # the requests already woken queue up behind this one first
        self._run_one_batch()
        return self._outcome(slot)

    @staticmethod
    def _outcome(slot):
        if slot.error is not None:
            raise slot.error
        return slot.result

    def _take(self):
        """The oldest pending items, up to max_size, one per key; the leader's own comes first."""
        batch, keys, rest = [], set(), []
        for slot in self._pending:
            if len(batch) < self.max_size and (slot.key is None or slot.key not in keys):
                batch.append(slot)
                if slot.key is not None:
                    keys.add(slot.key)
            else:
                rest.append(slot)
        self._pending = rest
        return batch

    def _run_one_batch(self):
        with self._lock:
            batch = self._take()
        try:
            results = self._run([slot.item for slot in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"a batch of {len(batch)} gave {len(results)} results")
            for slot, result in zip(batch, results):
                slot.result = result
        except BaseException as error:  # also a killed green thread: its batch must not wait forever
            for slot in batch:
                slot.error = error
            if not isinstance(error, Exception):
                raise
        finally:
            with self._lock:
                following = self._pending[0] if self._pending else None
                if following is None:
                    self._busy = False
                else:
                    following.lead = True  # the next batch is theirs to run
            for slot in batch:
                slot.done.set()
            if following is not None:
                following.done.set()
