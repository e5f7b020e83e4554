"""SQLite as Django speaks it, with this process's write transactions taking turns on a lock of their own.

SQLite lets one writer at a time in; the others wait in its busy handler, which polls with sleeps of up to
100 ms. Twenty kiosks issuing at once then spend more time asleep than writing, and the last one in waits
seconds (bench/issuing.py). A lock in the process wakes the next writer the moment the last one commits.
Another process (a management command) still meets SQLite's own lock and busy timeout, as before.
"""

import threading

from django.db.backends.sqlite3 import base

# One for the process: every connection (one per thread) writes to the same file.
_writers = threading.RLock()


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        # Bounded by SQLite's own timeout, so a writer stuck elsewhere can only slow the others, never stop them.
        self._writing = _writers.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5))
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._done_writing()
            raise

    def _done_writing(self):
        if getattr(self, "_writing", False):
            self._writing = False
            _writers.release()

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._done_writing()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._done_writing()

    def _close(self):
        try:
            super()._close()
        finally:
            self._done_writing()
