"""A run's output directory: never mixed with an earlier run's files, never shared with a concurrent run.

- **Batch**: `--output` must be empty (or not exist). `--overwrite` deletes the earlier run's `stories/`,
  `dead_letter/` and `.temp/` first; a file wirestream did not write is never deleted, and refuses the run.
- **Concurrent runs**: a local run (batch or streaming) holds `OUTPUT/.wirestream.lock`, created atomically
  (O_CREAT | O_EXCL) and removed when the run ends; a second run into the same place refuses. A lock left by
  a process of this host that no longer runs (killed) is taken over. Cloud Storage has no atomic
  create-if-absent in Beam's FileSystems, and a managed runner's job outlives this process: there the
  emptiness check at launch is the only guard.
- **Streaming** appends by design: each window's files have their own names, so a restart into the same
  output keeps the earlier windows beside the new ones; `--overwrite` is refused there.
"""
from __future__ import annotations

import errno
import json
import os
import socket
import time

from apache_beam.io.filesystems import FileSystems

from wirestream.transforms.read import is_local

LOCK_FILE = ".wirestream.lock"
RUN_DIRS = ("stories", "dead_letter", ".temp")


class OutputError(Exception):
    """The output cannot be used for this run; the message says why in one line."""


def _entries(output: str) -> list[str]:
    """What is in `output` (names, the lock file excluded); [] when it does not exist."""
    if is_local(output):
        if not os.path.exists(output):
            return []
        if not os.path.isdir(output):
            raise OutputError(f"--output {output} is a file, not a directory")
        return sorted(name for name in os.listdir(output) if name != LOCK_FILE)
    matched = FileSystems.match([FileSystems.join(output, "**")], limits=[10])[0].metadata_list
    prefix = output.rstrip("/") + "/"
    return sorted({m.path[len(prefix):].split("/", 1)[0] for m in matched} - {LOCK_FILE})


def check_output(output: str, overwrite: bool, streaming: bool) -> None:
    """Refuses an output that holds an earlier run's files (batch), or clears them with `overwrite`."""
    if streaming:
        if overwrite:
            raise OutputError("--overwrite is for batch runs: a streaming run appends each window's files "
                              "to --output by design")
        _entries(output)  # a file is still refused
        return
    entries = _entries(output)
    if not entries:
        return
    if not overwrite:
        raise OutputError(f"--output {output} is not empty ({', '.join(entries[:5])}{', ...' if len(entries) > 5 else ''})"
                          ": give an empty or new directory, or --overwrite to replace the earlier run's output")
    foreign = [name for name in entries if name not in RUN_DIRS]
    if foreign:
        raise OutputError(f"--output {output} holds files wirestream did not write ({', '.join(foreign[:5])}): "
                          "--overwrite deletes only stories/, dead_letter/ and .temp/; give an empty directory")
    # a "directory" of an object store is a prefix, deleted as such only with its trailing slash
    slash = "" if is_local(output) else "/"
    FileSystems.delete([FileSystems.join(output, name) + slash for name in entries])


class OutputLock:
    """`OUTPUT/.wirestream.lock` for the life of a local run; a no-op where it cannot be atomic (gs://)."""

    def __init__(self, output: str):
        self.output = output
        self.path = os.path.join(output, LOCK_FILE) if is_local(output) else None
        self.held = False

    def acquire(self) -> OutputLock:
        if self.path is None:
            return self
        try:
            os.makedirs(self.output, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"--output {self.output} is a file, not a directory") from None
        except OSError as error:
            raise OutputError(f"cannot create --output {self.output}: {error.strerror}") from None
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if self._take_over_stale():
                    continue
                raise OutputError(f"another run is writing into --output {self.output} ({self._owner()}): wait for "
                                  f"it, or use another directory (remove {self.path} if no run is)") from None
            except NotADirectoryError:
                raise OutputError(f"--output {self.output} is a file, not a directory") from None
            except OSError as error:
                raise OutputError(f"cannot write into --output {self.output}: {error.strerror}") from None
            with os.fdopen(fd, "w") as handle:
                json.dump({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}, handle)
            self.held = True
            return self
        raise OutputError(f"another run is writing into --output {self.output}")

    def _read(self) -> dict:
        try:
            with open(self.path) as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return {}

    def _owner(self) -> str:
        owner = self._read()
        return f"pid {owner.get('pid')} on {owner.get('host')}" if owner else f"lock file {self.path}"

    def _take_over_stale(self) -> bool:
        """A lock of a process of this host that is gone (killed, so it could not remove it) is stale."""
        owner = self._read()
        if owner.get("host") != socket.gethostname() or not isinstance(owner.get("pid"), int):
            return False
        try:
            os.kill(owner["pid"], 0)
            return False
        except ProcessLookupError:
            pass
        except OSError as error:
            if error.errno != errno.ESRCH:
                return False
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        return True

    def release(self) -> None:
        if self.held:
            self.held = False
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
