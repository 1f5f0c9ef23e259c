"""Who builds the shards of ``lagrangian dataset build``: local processes, or a Ray cluster.

Both runners take the same picklable task function and tasks and yield ``(index, bytes)`` as
shards finish, in any order; the caller writes them.  The data cannot depend on the runner or
on the number of workers because a shard is a function of (settings, index) alone.

Why Ray for the distributed mode: it schedules plain Python functions over the cores of many
machines and ships their results back, with no shared file system and no cluster-specific
code; ``ray`` is imported only when ``--ray`` is given, so it stays an optional install.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = tuple[int, bytes]


def run_local(
    function: Callable[[Task], Result], tasks: Sequence[Task], workers: int
) -> Iterator[Result]:
    """Run the tasks in this process (one worker) or a pool of ``workers`` processes."""
    if workers <= 1 or len(tasks) <= 1:
        yield from map(function, tasks)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap_unordered(function, tasks)


def _connect(address: str) -> Any:
    """The ``ray`` module, connected to ``address`` unless this process already is."""
    try:
        import ray
    except ImportError:
        raise ValueError("--ray needs Ray: pip install 'lagrangian[ray]'") from None
    if not ray.is_initialized():
        try:
            ray.init(address=address, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as error:
            raise ValueError(f"cannot connect to the Ray cluster at {address!r}: {error}") from None
    return ray


def run_ray(
    function: Callable[[Task], Result], tasks: Sequence[Task], address: str
) -> Iterator[Result]:
    """Run the tasks as Ray tasks of one CPU each on the cluster at ``address`` (``auto``:
    the cluster this machine belongs to).  At most two tasks per cluster CPU are in flight,
    so results never pile up in the object store."""
    ray = _connect(address)
    remote = ray.remote(num_cpus=1)(function)
    in_flight = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    waiting = list(tasks)[::-1]
    pending: list[Any] = []
    while waiting or pending:
        while waiting and len(pending) < in_flight:
            pending.append(remote.remote(waiting.pop()))
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])
