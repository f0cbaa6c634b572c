"""`imageai video render` once the project lock is held: plan, run on Qt's loop, report."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING

from imageai.cli.exit_codes import ExitCode
from imageai.cli.progress import RenderReport
from imageai.core.errors import ValidationError
from imageai.core.ledger import LEDGER_NAME, ledger_for
from imageai.core.models import RenderState
from imageai.core.render_plan import parse_scene_selection

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from imageai.cli.context import CliContext
    from imageai.services.render_plan import RenderPlan


def render_locked(args: argparse.Namespace, ctx: CliContext) -> int:
    from PySide6.QtCore import QCoreApplication, QTimer

    from imageai.services.emit_refcount import keep_singletons_alive
    from imageai.services.job_runner import JobRunner
    from imageai.services.project_document import ProjectDocument
    from imageai.services.render_controller import RenderController
    from imageai.services.render_plan import again_lines

    # Saves stay on this thread: with no window to keep responsive, a writer thread would
    # only add a thread and a cross-thread signal to a process that must not crash mid-render.
    doc = ProjectDocument.open(args.dir, background_saves=False)
    project = doc.project
    indexes = parse_scene_selection(args.scenes, len(project.scenes)) if args.scenes else None
    runner = JobRunner(args.concurrency)
    controller = RenderController(doc, runner, ctx.router, ctx.catalog)
    # One plan: validated, priced, budget-split and key-checked (a missing key fails here)
    # before any call; the render runs exactly this.
    if args.again and indexes is None:
        raise ValidationError("again", "--again needs --scenes (e.g. --scenes 2 or 1-4)")
    plan = controller.prepare(
        indexes, args.budget, use_project_budget=args.budget is None, again=args.again
    )
    for line in again_lines(plan):
        print(line, file=sys.stderr)
    _print_left_out(plan, args.dir)
    # Qt's application object is made only once the render is sure to start.
    app = QCoreApplication.instance() or QCoreApplication([])
    keep_singletons_alive()  # before the event loop runs (PySide6 6.12 leaks references)
    requests = plan.requests
    report = RenderReport(
        {r.scene_id: f"scene {r.index}" for r in requests},
        as_json=args.json,
        project_dir=args.dir,
        providers={r.scene_id: r.provider for r in requests},
    )
    report.planned([r.scene_id for r in requests], plan.total_usd)
    runner.job_event.connect(report.on_event)
    controller.scene_progress.connect(report.on_progress)
    controller.scene_failed.connect(report.on_failed)
    controller.batch_finished.connect(lambda *_: app.quit())

    # Let Python see Ctrl+C while Qt's loop runs: stop following the jobs without cancelling
    # them remotely (the paid ones finish there and the next render fetches them), and send
    # nothing new.
    def stop(*_: object) -> None:
        runner.detach_all()
        controller.cancel_all()

    previous_handler = signal.signal(signal.SIGINT, stop)
    ticker = QTimer()
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    try:
        if controller.render(plan):
            app.exec()
    finally:
        runner.shutdown(10_000)
        ctx.router.close()
        ticker.stop()
        signal.signal(signal.SIGINT, previous_handler)
    final = doc.project
    wanted = [final.scenes[i] for i in indexes] if indexes is not None else list(final.scenes)
    failed = [s for s in wanted if s.state is not RenderState.DONE]
    report.finished(
        len(wanted) - len(failed), len(failed), ledger_for(args.dir / LEDGER_NAME).total_spent()
    )
    if controller.save_error is not None:
        # Scenes may be done here, but project.json does not say so: never exit as a success.
        # The ledger has every job; the next render resumes from it and pays nothing again.
        print(f"error: {controller.save_error.user_message}", file=sys.stderr)
        return ExitCode.SCENE_FAILED
    return ExitCode.OK if not failed else ExitCode.SCENE_FAILED


def _print_left_out(plan: RenderPlan, folder: Path) -> None:
    """Say which scenes this render leaves alone, and why."""
    if plan.held_back:
        numbers = ",".join(map(str, plan.held_back))
        print(
            f"Not rendering scene(s) {numbers}: a create was sent but its outcome is unknown "
            f"(it may be billed). Check the provider's console; to create again anyway, run "
            f"`imageai video render {folder} --scenes {numbers}`.",
            file=sys.stderr,
        )
    for done in plan.finished:
        print(
            f"Scene {done.request.index}: already rendered (the ledger has its clip "
            f"{done.clip.name}); marked done, not created again.",
            file=sys.stderr,
        )
    if plan.over_budget:
        assert plan.budget_usd is not None
        print(
            f"Not rendering scene(s) {plan.scene_numbers(plan.over_budget)}: over the "
            f"${plan.budget_usd:.2f} budget (spent, possibly billed and this render's new "
            f"creates leave no room). Jobs already paid for still run; raise the budget with "
            f"--budget to render the rest.",
            file=sys.stderr,
        )
