"""A tiny static file server for a built site, on 127.0.0.1 only, with gzip like a real host.

Text files (HTML, CSS, JavaScript, JSON, SVG, XML) are sent gzip-compressed when the client accepts it;
images are sent as they are. Used by the Lighthouse benchmark and the browser tests.

Command line: python scripts/static_server.py [FOLDER] [--port N] [--sem-gzip]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import threading
from collections.abc import Iterator
from functools import lru_cache, partial
from pathlib import Path

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}


@lru_cache(maxsize=512)
def _compressed(path: str, mtime: float) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any real host does
    use_gzip = True

    def log_message(self, format, *args):  # noqa: A002 - keep the console quiet
        pass

    def handle(self):
        """A browser that leaves a page closes connections mid-answer: nothing is left to answer."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the parent redirects /folder to /folder/
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.use_gzip and accepts and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = _compressed(str(path), path.stat().st_mtime)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _BytesFile(body)


class _BytesFile:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextlib.contextmanager
def serve(folder: Path, port: int = 0, use_gzip: bool = True) -> Iterator[str]:
    """Serves FOLDER on 127.0.0.1 in a background thread; yields the base URL ('http://127.0.0.1:PORT/')."""
    handler = type("SiteHandler", (Handler,), {"use_gzip": use_gzip})
    server = _Server(("127.0.0.1", port), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve um site estático em 127.0.0.1, com gzip.")
    parser.add_argument("folder", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--sem-gzip", action="store_true", help="envia os arquivos sem compressão")
    args = parser.parse_args()
    with serve(Path(args.folder), args.port, use_gzip=not args.sem_gzip) as url:
        print(f"Servindo {args.folder}/ em {url} ({'sem gzip' if args.sem_gzip else 'com gzip'}); Ctrl+C para parar.")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
