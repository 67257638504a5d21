"""Synthetic frames through the real capture worker (threads, decoder, debounce)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from kiosk.capture import (
    CameraSource,
    CameraState,
    CaptureWorker,
    Frame,
    Preview,
    ScanEvent,
    SourceInfo,
    SourceUnavailable,
    StateChange,
    SyntheticSource,
    demo_codes,
)
from kiosk.capture.decoder import Decoder
from kiosk.demo.passes import UNKNOWN_CODE, seed_passes


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


class Recorder:
    def __init__(self) -> None:
        self.scans: list[ScanEvent] = []
        self.states: list[StateChange] = []
        self.previews: list[Preview] = []
        self.lock = threading.Lock()

    def scan(self, event: ScanEvent) -> None:
        with self.lock:
            self.scans.append(event)

    def state(self, change: StateChange) -> None:
        with self.lock:
            self.states.append(change)

    def preview(self, preview: Preview) -> None:
        with self.lock:
            self.previews.append(preview)

    def kinds(self) -> list[str]:
        return [s.state.value for s in self.states]

    def worker(self, source: object, **kwargs: object) -> CaptureWorker:
        return CaptureWorker(
            source,
            on_scan=self.scan,
            on_state=self.state,  # type: ignore
            on_preview=self.preview,
            **kwargs,
        )  # type: ignore[arg-type]


def test_demo_passes_are_each_scanned_once_in_order() -> None:
    rec = Recorder()
    source = SyntheticSource(
        fps=60, width=960, height=540, show_seconds=0.4, gap_seconds=0.25, loop=False
    )
    with rec.worker(source, hold_seconds=10) as worker:
        wait_for(lambda: worker.state == CameraState.ENDED and not worker.running, 30)
    assert demo_codes() == [p.code for p in seed_passes()] + [UNKNOWN_CODE]
    assert [s.code for s in rec.scans] == demo_codes()
    assert rec.kinds() == ["connecting", "connected", "ended"]
    assert rec.states[1].info == SourceInfo(source.name, 960, 540, 60.0)
    for scan in rec.scans:
        assert scan.decided_time >= scan.frame_time
        x0, y0, x1, y1 = scan.detection.bounds()
        assert 0 <= x0 < x1 <= 960 and 0 <= y0 < y1 <= 540
    outlined = [p for p in rec.previews if p.detections]
    assert outlined and len(rec.previews) == worker.stats.frames_read
    # A preview shows the outline of the newest decoded frame, a frame or two behind.
    # (and lingers briefly after the phone leaves, so frames without a code are left out).
    showing = [p for p in outlined if p.frame.truth]
    matching = [p for p in showing if p.detections[0].text == p.frame.truth]
    assert showing and len(matching) >= 0.8 * len(showing)


def test_confirmations_and_hold_apply_to_live_frames() -> None:
    rec = Recorder()
    source = SyntheticSource(
        ["TKT-VALID-0001"],
        fps=60,
        width=640,
        height=480,
        show_seconds=0.3,
        gap_seconds=0.3,
        formats=["QRCode"],
    )
    with rec.worker(source, confirmations=3, hold_seconds=60):
        wait_for(lambda: len(rec.scans) >= 1)
        time.sleep(1.5)  # the same pass is shown twice more during the hold
    assert [s.code for s in rec.scans] == ["TKT-VALID-0001"]


class SlowDecoder(Decoder):
    """Takes longer than a frame: the worker must drop stale frames, not queue them."""

    def decode_live(self, image, now=None, budget_s=None):  # type: ignore[no-untyped-def]
        time.sleep(0.15)
        return super().decode_live(image, now, budget_s)


def test_newest_frame_wins_when_decoding_is_slower_than_the_camera() -> None:
    rec = Recorder()
    source = SyntheticSource(
        ["TKT-VALID-0001"], fps=100, width=640, height=480, show_seconds=5, gap_seconds=0
    )
    worker = rec.worker(source, decoder=SlowDecoder())
    with worker:
        wait_for(lambda: worker.stats.frames_read >= 60)
    stats = worker.stats
    assert stats.frames_dropped > 0
    assert stats.frames_decoded + stats.frames_dropped <= stats.frames_read
    assert stats.frames_decoded < stats.frames_read / 2
    assert [s.code for s in rec.scans] == ["TKT-VALID-0001"]


class UnpluggedCamera(SyntheticSource):
    """A camera that works, is unplugged (reads fail, then opening fails twice), returns."""

    def __init__(self) -> None:
        super().__init__(
            ["TKT-EVENT-0005"],
            fps=60,
            width=640,
            height=480,
            show_seconds=0.3,
            gap_seconds=1.0,
            formats=["QRCode"],
        )
        self.opens = 0
        self.reads = 0

    def open(self) -> SourceInfo:
        self.opens += 1
        if self.opens in (2, 3):
            raise SourceUnavailable("Camera 0 is not connected.")
        return super().open()

    def read(self) -> Frame | None:
        self.reads += 1
        if self.reads == 40:  # in the gap between two showings
            return None  # unplugged
        return super().read()


def test_unplugged_camera_is_reported_and_reconnects_with_backoff() -> None:
    rec = Recorder()
    source = UnpluggedCamera()
    with rec.worker(source, backoff_initial_s=0.05, backoff_max_s=0.1, hold_seconds=0.1):
        wait_for(lambda: source.opens >= 4 and len(rec.scans) >= 2)  # scans before and after
    kinds = rec.kinds()
    assert kinds[:2] == ["connecting", "connected"]
    assert kinds[2:9] == [
        "disconnected",
        "reconnecting",
        "disconnected",
        "reconnecting",
        "disconnected",
        "reconnecting",
        "connected",
    ]
    assert kinds[-1] == "stopped"
    retries = [s.retry_in for s in rec.states if s.state == CameraState.DISCONNECTED]
    assert retries == [0.05, 0.1, 0.1]  # backoff doubles up to its maximum
    assert "not connected" in rec.states[4].message


def test_missing_camera_reports_disconnected_cleanly() -> None:
    rec = Recorder()
    with pytest.raises(SourceUnavailable):
        CameraSource(97).open()
    worker = rec.worker(CameraSource(97), backoff_initial_s=0.05, backoff_max_s=0.05)
    with worker:
        wait_for(lambda: rec.kinds().count("disconnected") >= 2)
    assert not worker.running
    assert rec.kinds()[:3] == ["connecting", "disconnected", "reconnecting"]
    assert rec.kinds()[-1] == "stopped"
    assert "Camera 97" in rec.states[1].message


def test_a_failing_callback_does_not_stop_the_worker() -> None:
    calls = []

    def broken(preview: Preview) -> None:
        calls.append(preview)
        raise RuntimeError("UI bug")

    scans: list[ScanEvent] = []
    source = SyntheticSource(["LOY-CARD-0004"], fps=60, width=640, height=480, formats=["QRCode"])
    with CaptureWorker(source, on_preview=broken, on_scan=scans.append) as worker:
        # frames keep coming after the callback raised (the first frame may be scanned
        # before the second preview, so wait for both)
        wait_for(lambda: len(scans) == 1 and len(calls) > 3)
        assert worker.latest_preview() is not None
        assert worker.running


def test_hold_from_the_ui_ignores_the_code() -> None:
    scans: list[ScanEvent] = []
    source = SyntheticSource(
        ["TKT-VALID-0001"],
        fps=60,
        width=640,
        height=480,
        show_seconds=0.2,
        gap_seconds=0.6,
        formats=["QRCode"],
    )
    with CaptureWorker(source, on_scan=scans.append, hold_seconds=0.0) as worker:
        worker.hold("TKT-VALID-0001")  # hold_seconds 0: has no effect
        wait_for(lambda: len(scans) == 1)
        worker.debouncer.hold_seconds = 30
        worker.hold("TKT-VALID-0001")
        time.sleep(1.0)  # shown again meanwhile
    assert len(scans) == 1


def test_file_source_plays_an_image_folder_and_a_video(tmp_path) -> None:  # type: ignore
    import cv2

    from kiosk.capture import EndOfStream, FileSource

    source = SyntheticSource(
        ["TKT-VALID-0001", "TKT-EVENT-0005"],
        width=320,
        height=240,
        fps=10,
        show_seconds=0.3,
        gap_seconds=0.0,
        formats=["QRCode"],
        motion=False,
    )
    frames = [source.render(i).image for i in range(6)]
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, image in enumerate(frames):
        cv2.imwrite(str(folder / f"{i:03d}.png"), image)
    (folder / "readme.txt").write_text("ignored")
    (folder / "002b.png").write_bytes(b"not really a png")  # skipped, with a warning
    writer = cv2.VideoWriter(
        str(tmp_path / "clip.avi"), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240)
    )
    for image in frames:
        writer.write(image)
    writer.release()
    for path in (folder, tmp_path / "clip.avi"):
        files = FileSource(path, fps=10, realtime=False)
        info = files.open()
        assert (info.width, info.height) == (320, 240)
        read = [files.read() for _ in range(6)]
        assert all(f is not None for f in read)
        with pytest.raises(EndOfStream):
            files.read()
        files.close()
    looping = FileSource(folder, loop=True, realtime=False)
    looping.open()
    assert len([looping.read() for _ in range(15)]) == 15
    with pytest.raises(SourceUnavailable):
        FileSource(tmp_path / "nope.mp4").open()
    scans: list[ScanEvent] = []
    with CaptureWorker(FileSource(folder, fps=20), on_scan=scans.append) as worker:
        wait_for(lambda: worker.state == CameraState.ENDED and not worker.running)
    assert [s.code for s in scans] == ["TKT-VALID-0001", "TKT-EVENT-0005"]
