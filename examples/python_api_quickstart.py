# ruff: noqa: T201 - an example prints what it does
"""Notebook-style walk through the ImageAI Python API: run cell by cell (``# %%``) or as a script.

Defaults to the free, offline ``animatic`` provider so it runs anywhere; set
``IMAGEAI_EXAMPLE_PROVIDER=omni`` (and ``GEMINI_API_KEY``) to make real videos.
"""

# %% Set up a client: one provider, one output folder (with its ledger), a budget.
import os
import threading

from imageai import CancelToken, VideoClient, VideoConfig, VideoProgress

provider = os.environ.get("IMAGEAI_EXAMPLE_PROVIDER", "animatic")
client = VideoClient(provider, output_dir="example-renders", budget_usd=2.00)
seconds = 4

# %% Check and price a config before anything is sent.
config = VideoConfig(prompt="A paper boat drifts down a rainy street", seconds=seconds)
client.validate_config(config)
cost = client.estimate_cost(config)
note = "" if cost.price_verified else " (unverified price)"
print(f"{cost.model}: {cost.seconds} s x ${cost.usd_per_second}/s = ${cost.usd:.2f}{note}")


# %% One video, with a progress line.
def show(progress: VideoProgress) -> None:
    percent = "..." if progress.fraction < 0 else f"{progress.fraction:4.0%}"
    print(f"\r[{progress.index}] {percent} {progress.message:<40}", end="", flush=True)


result = client.generate_video(config, on_progress=show)
print()
print(result.video_path if result.success else result.error)

# %% A batch under the budget: new creates that do not fit fail with kind "budget", unsent.
shots = ["The boat passes a lit window", "A cat watches from a doorstep", "The rain stops"]
results = client.generate_batch(
    [VideoConfig(prompt=s, seconds=seconds) for s in shots], concurrency=2
)
for shot, r in zip(shots, results, strict=True):
    print(f"{shot:<32} {'ok' if r.success else r.error_kind} {r.video_path or ''}")

# %% Cancel from another thread (a notebook's stop button would do the same).
token = CancelToken()
threading.Timer(0.5, token.cancel).start()
stopped = client.generate_video(
    VideoConfig(prompt="A long slow sunset", seconds=seconds), cancel=token
)
# A cancelled job that was already created stays in the ledger: run the cell again to resume it.
print("cancelled" if stopped.cancelled else "finished before the cancel", stopped.job_id)

# %% Omni can edit a finished video (a remix); /v1/videos endpoints remix and list.
if provider == "omni" and result.success:
    night = client.remix_video(result, "Make it night, street lamps on")
    print("edit:", night.video_path if night.success else night.error)

# %% What the folder has cost so far: the ledger is the record of spend.
print(f"spent in {client.output_dir}: ${client.ledger().total_spent():.2f}")
client.close()
