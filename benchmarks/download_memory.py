"""Peak memory (RSS) while downloading a large clip, against the process's idle RSS.

Two paths: the Sora adapter's download (openai SDK, streamed) and `resumable_download` over httpx
with the stream cut half-way and resumed with Range. Linux only (reads /proc).

Run: ``python -m benchmarks.download_memory [--mb 200]``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
from pathlib import Path

from benchmarks._common import KEY, machine, start_fake, workdir

STATUS = Path("/proc/self/status")


def _status_kb(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


class PeakRss:
    """Samples RSS every few ms (and reads the kernel's high-water mark when it can be reset)."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.kernel_hwm = _reset_hwm()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _status_kb("VmRSS"))
            self._stop.wait(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.kernel_hwm:
            self.peak_kb = max(self.peak_kb, _status_kb("VmHWM"))


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError:
        return False
    return True


def _sora_download(server_url: str, folder: Path) -> dict[str, float]:
    from pydantic import SecretStr

    from imageai.core.jobs import JobRequest, PollState
    from imageai.core.models import ProviderName, SoraSettings
    from imageai.core.shot import ShotSpec
    from imageai.providers.openai.sora_client import SoraClient

    client = SoraClient(SecretStr(KEY), base_url=f"{server_url}/v1", sleep=lambda _: None)
    spec = ShotSpec(provider=ProviderName.SORA, model="sora-2", seconds=4, size="1280x720")
    request = JobRequest(
        scene_id="big", index=1, spec=spec, prompt="a big clip",
        settings=SoraSettings(), project_dir=folder,
    )  # fmt: skip
    job = client.start(request)
    while client.poll(job.job_id).state is not PollState.COMPLETED:
        time.sleep(0.05)
    idle_kb = _status_kb("VmRSS")
    started = time.perf_counter()
    with PeakRss() as peak:
        result = client.download(job.job_id, request, threading.Event())
    seconds = time.perf_counter() - started
    size = result.clip_path.stat().st_size
    return _figures(idle_kb, peak.peak_kb, size, seconds)


def _resumable_download(server_url: str, folder: Path, cut: int) -> dict[str, float]:
    import httpx

    from imageai.core.downloads import http_opener, resumable_download

    dest = folder / "clips" / "resumed.mp4"
    with httpx.Client(timeout=httpx.Timeout(60.0, connect=5.0)) as http:
        http.get(f"{server_url}/_fake/stats")  # warm the connection pool and imports
        idle_kb = _status_kb("VmRSS")
        started = time.perf_counter()
        with PeakRss() as peak:
            opener = http_opener(http, f"{server_url}/files/bench.mp4")
            resumable_download(opener, dest, threading.Event(), sleep=lambda _: None, expect=None)
        seconds = time.perf_counter() - started
    return {**_figures(idle_kb, peak.peak_kb, dest.stat().st_size, seconds), "cut_at": cut}


def _figures(idle_kb: int, peak_kb: int, size: int, seconds: float) -> dict[str, float]:
    return {
        "clip_mb": round(size / 1e6, 1),
        "idle_rss_mb": round(idle_kb / 1024, 1),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_over_idle": round(peak_kb / idle_kb, 3),
        "seconds": round(seconds, 2),
    }


def run(megabytes: int) -> dict[str, object]:
    size = megabytes * 1_000_000
    base = workdir()
    server = start_fake(base, generation_seconds=0.1, clip_bytes=size)
    try:
        sora = _sora_download(server.url, base / "sora")
        server.configure(cut_download_after=size // 2)
        resumed = _resumable_download(server.url, base / "resumable", size // 2)
        stats = server.stats()
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
    return {
        "benchmark": "download_memory",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "sora_adapter": sora,
        "resumable_download": resumed,
        "downloads_cut": stats.get("downloads_cut", 0),
        "range_requests": stats.get("range_requests", 0),
        "target_peak_over_idle": 1.2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=200, help="clip size in MB")
    args = parser.parse_args()
    print(json.dumps(run(args.mb), indent=2))


if __name__ == "__main__":
    main()
