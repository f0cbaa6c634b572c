"""A job's stop flag: cancel the job, or only stop following it and keep the paid job remote."""

from __future__ import annotations

import threading


class StopToken(threading.Event):
    """Set to stop a job. ``keep_remote`` says the job itself must live on at the provider.

    Cancel (the user's Cancel button) asks the provider to stop the job where it can. Detach
    (the app quits, Ctrl+C in the CLI) only stops following it: the paid job is kept, and the
    next render resumes it by polling, never paying again.
    """

    def __init__(self) -> None:
        super().__init__()
        self.keep_remote = False

    def detach(self) -> None:
        self.keep_remote = True
        self.set()


def detach(cancel: threading.Event) -> None:
    """Stop a job keeping it remote when ``cancel`` can say so; else a plain stop."""
    if isinstance(cancel, StopToken):
        cancel.detach()
    else:
        cancel.set()


def keeps_remote(cancel: threading.Event) -> bool:
    """True when ``cancel`` was set to detach, not to cancel the remote job."""
    return isinstance(cancel, StopToken) and cancel.keep_remote
