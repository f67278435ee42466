"""The labs need only Python: `ecslab` and its emulator run on Linux, macOS and Windows alike, so the package uses
no Linux-only or POSIX-only call (process and file handling go through psutil and filelock)."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "labs" / "ecslab"
NOT_PORTABLE = {
    r"\bos\.fork\b": "os.fork (POSIX)",
    r"\bfcntl\b": "fcntl (POSIX)",
    r"/proc/": "/proc (Linux)",
    r"\bos\.kill\(": "os.kill (on Windows any signal ends the process)",
    r"\bos\.(setsid|getuid|geteuid|killpg|getpgid|waitpid|WNOHANG)\b": "a POSIX-only os call",
    r"\bsignal\.SIG(KILL|HUP|USR1|USR2|CHLD|ALRM|PIPE|QUIT|STOP|CONT|TSTP)\b": "a POSIX-only signal",
    r"^\s*(import|from)\s+(pwd|grp|resource|termios|tty|pty)\b": "a POSIX-only module",
}


def offenders(text: str, where: str) -> list[str]:
    return [f"{where}:{n}: {why}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
            for pattern, why in NOT_PORTABLE.items() if re.search(pattern, line)]


def test_the_package_has_no_linux_only_calls():
    found = [hit for path in sorted(PACKAGE.rglob("*.py"))
             for hit in offenders(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))]
    assert not found, "\n".join(found)


def test_the_patterns_catch_what_they_name():
    assert offenders("import fcntl", "x") and offenders("os.kill(pid, 0)", "x")
    assert offenders('open(f"/proc/{pid}/stat")', "x") and offenders("os.kill(pid, signal.SIGKILL)", "x")
    assert not offenders("signal.signal(signal.SIGTERM, stop)", "x")  # SIGTERM and SIGINT exist on Windows
