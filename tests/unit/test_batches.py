"""The office's long actions, finished by batches: a web process runs them for a while at
most, and otherwise until there is nothing to do."""

from tisc.services import batches


def test_batches_run_until_nothing_is_to_do_now():
    left = [3, 0, 2]  # a batch that learnt something but moved nothing counts too

    def batch(policy):
        return left.pop(0) if left else None

    assert batches.run_all(batch, policy=None) == 5


def test_batches_stop_once_their_time_is_up(monkeypatch):
    clock = iter(range(0, 1000, 4))  # each batch takes 4 s
    monkeypatch.setattr(batches, "monotonic", lambda: next(clock))  # its clock alone
    calls = []

    def endless(policy):
        calls.append(policy)
        return 1

    assert batches.run_all(endless, policy="p", seconds=10) == 3  # done at 4, 8, 12 s
    assert calls == ["p"] * 3
