"""Where each course was left, so it reopens there (notice Attachment 1, item 2: 断点续播).

Behind a small interface (`ResumeStore`): the client keeps the positions in its encrypted
store (`sync.store_worker.WorkerResumeStore`); `JsonFileResumeStore`, a plain file, serves
the player's own tests and benchmarks, where no store runs. Its writes are atomic (temp
file + rename), so a crash mid-write keeps the previous positions.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)


class ResumeStore(Protocol):
    def position_ms(self, learner_id: str, course_id: str) -> int: ...
    def save(self, learner_id: str, course_id: str, position_ms: int) -> None: ...


class JsonFileResumeStore:
    def __init__(self, path: Path) -> None:
        self._path = Path(path)

    def _read(self) -> dict[str, int]:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            # A damaged file must not stop study: start from the beginning and say so.
            log.warning("resume positions unreadable, starting over: %s", error)
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: int(v) for k, v in data.items() if isinstance(v, int) and v >= 0}

    @staticmethod
    def _key(learner_id: str, course_id: str) -> str:
        return f"{learner_id}/{course_id}"

    def position_ms(self, learner_id: str, course_id: str) -> int:
        return self._read().get(self._key(learner_id, course_id), 0)

    def save(self, learner_id: str, course_id: str, position_ms: int) -> None:
        data = self._read()
        data[self._key(learner_id, course_id)] = int(max(0, position_ms))
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=".resume-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                json.dump(data, stream, sort_keys=True)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
