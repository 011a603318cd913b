"""Several concurrent clients reading one page's URLs, and what they measured.

Each client is a thread with its own ``http.client`` connection (kept alive where the server
keeps it; gunicorn's sync worker closes it after each response, and the client reconnects, as
a browser would) and its own cookies (the session, then whatever the server sets). A request's
time runs from sending it to the last byte of the body.
"""

import http.client
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from bench.pages.cpu import Clock

HEADERS = {
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Language": "ja",
    "Accept-Encoding": "gzip",
    "User-Agent": "ciodispatch-bench-pages",
}


@dataclass
class Measurement:
    seconds: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)  # status (or error) -> count
    wall: float = 0.0
    cpu: dict[str, float | None] = field(default_factory=dict)  # cpu.Clock.spent()

    def cpu_per_request(self, kind: str) -> float | None:
        """The server's CPU seconds of ``kind`` ("app", "db") per timed request."""
        done = len(self.seconds) + sum(self.refusals.values())
        spent = self.cpu.get(kind)
        return spent / done if spent is not None and done else None

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        if len(self.seconds) < 2:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=20, method="inclusive")[18]

    @property
    def per_second(self) -> float:
        return len(self.seconds) / self.wall if self.wall else 0.0

    @property
    def size(self) -> int:
        return int(statistics.median(self.sizes)) if self.sizes else 0


class Client:
    def __init__(self, host: str, port: int, cookies: dict[str, str], timeout: float):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies = dict(cookies)
        self.host = f"{host}:{port}"

    def get(self, url: str) -> tuple[int | str, int, float]:
        """(status or error name, body bytes, seconds)."""
        status, body, seconds = self.fetch(url)
        return status, len(body), seconds

    def fetch(self, url: str) -> tuple[int | str, bytes, float]:
        """(status or error name, body, seconds)."""
        headers = {**HEADERS, "Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reused = self.connection.sock is not None
        start = time.perf_counter()
        try:
            self.connection.request("GET", url, headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.connection.close()
            if reused:
                # The server closed an idle kept-alive connection: a browser sends it again.
                return self.fetch(url)
            return type(exc).__name__, b"", time.perf_counter() - start
        elapsed = time.perf_counter() - start
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, body, elapsed

    def close(self) -> None:
        self.connection.close()


def measure(
    host: str,
    port: int,
    urls: list[str],
    *,
    cookies: dict[str, str],
    clients: int,
    requests: int,
    warmup: int,
    budget: float,
    minimum: int,
    timeout: float,
    cpu: Clock | None = None,
) -> Measurement:
    """``requests`` timed GETs over ``urls`` in turn from ``clients`` threads, after ``warmup``
    untimed ones (every worker process renders the page once before it counts); stops early
    once ``budget`` seconds have passed and ``minimum`` requests are timed. ``cpu``: the
    server's CPU clock, read around the timed requests."""
    pool = [Client(host, port, cookies, timeout) for _ in range(clients)]
    try:
        _drive(pool, urls, count=warmup, budget=budget, minimum=0, result=None)
        result = Measurement()
        before = cpu.snapshot() if cpu else {}
        result.wall = _drive(
            pool, urls, count=requests, budget=budget, minimum=minimum, result=result
        )
        if cpu:
            result.cpu = cpu.spent(before, cpu.snapshot())
    finally:
        for client in pool:
            client.close()
    return result


def _drive(
    pool: list[Client],
    urls: list[str],
    *,
    count: int,
    budget: float,
    minimum: int,
    result: Measurement | None,
) -> float:
    """Run ``count`` GETs from the clients at once; the wall time they took."""
    lock = threading.Lock()
    state = {"next": 0, "done": 0}
    start = time.perf_counter()

    def take() -> int | None:
        with lock:
            number = state["next"]
            over = time.perf_counter() - start > budget and state["done"] >= minimum
            if number >= count or over:
                return None
            state["next"] += 1
            return number

    def work(client: Client) -> None:
        while (number := take()) is not None:
            status, size, seconds = client.get(urls[number % len(urls)])
            with lock:
                state["done"] += 1
                if result is None:
                    continue
                if status == 200:
                    result.seconds.append(seconds)
                    result.sizes.append(size)
                else:
                    result.refusals[status] += 1

    threads = [threading.Thread(target=work, args=(client,)) for client in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start
