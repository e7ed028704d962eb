"""Progress bars on stderr for long commands (demo, rebuild, import): 进度."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Told how much is done of how much (None: not known yet).
Progress = Callable[[int, int | None], None]


@contextmanager
def progress_bar(description: str) -> Iterator[Progress]:
    """A bar with the count done, the total and the time taken, on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
             TimeElapsedColumn(), console=Console(stderr=True)) as bar:
        task = bar.add_task(description, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
