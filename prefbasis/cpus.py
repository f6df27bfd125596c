"""The CPU cores this process may use (its affinity mask where the OS has one, else all cores).

Example:
    >>> usable_cores() >= 1
    True
"""
from __future__ import annotations

import os


def usable_cores() -> int:
    """Cores this process may run on: `sched_getaffinity` (Linux: taskset, cgroup cpusets), else
    `os.cpu_count()`, at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
