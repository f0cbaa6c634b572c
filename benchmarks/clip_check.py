"""Seconds the clip check (`core.clip_check.check_clip`: boxes, a full decode, the length) takes.

Encodes one 8 s H.264 clip with sound per resolution (x264 ``veryfast``, as a provider's output
might be), then times the check a few times and keeps the best run.

Run: ``python -m benchmarks.clip_check [--sizes 1280x720,1920x1080] [--seconds 8]``. Prints one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import time

from benchmarks._common import machine, workdir
from imageai.core.clip_check import ExpectedClip, check_clip
from imageai.core.media import ffmpeg_exe


def _encode(size: str, seconds: int, out: str) -> None:
    cmd = [
        ffmpeg_exe(), "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=s={size}:r=24:d={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", out,
    ]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)


def run(sizes: list[str], seconds: int, repeats: int = 3) -> dict[str, object]:
    base = workdir()
    results: dict[str, dict[str, float]] = {}
    try:
        for size in sizes:
            clip = base / f"{size}.mp4"
            _encode(size, seconds, str(clip))
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                check_clip(clip, ExpectedClip.around(seconds))
                timings.append(time.perf_counter() - started)
            results[size] = {
                "clip_mb": round(clip.stat().st_size / 1e6, 1),
                "check_seconds": round(min(timings), 2),
            }
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return {
        "benchmark": "clip_check",
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "clip_seconds": seconds,
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1280x720,1920x1080", help="comma-separated WxH")
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(run(args.sizes.split(","), args.seconds), indent=2))


if __name__ == "__main__":
    main()
