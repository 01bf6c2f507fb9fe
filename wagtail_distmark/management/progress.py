"""A console progress bar for long management commands."""


class ProgressBar:
    """``progress(done, total)`` callback drawing one line on a command's stderr.

    Redrawn only when the bar moves, to keep logs of non-terminals short.
    """

    width = 30

    def __init__(self, stream):
        self.stream = stream
        self.last_filled = -1
        self.drawn = False

    def __call__(self, done, total):
        filled = self.width * done // total if total else self.width
        if done != total and filled == self.last_filled:
            return
        self.last_filled = filled
        self.drawn = True
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stream.flush()

    def close(self):
        if self.drawn:
            self.stream.write("")  # leave the bar's line
