"""Small building blocks the screens share: styled labels and buttons, text that shrinks to
fit, the camera preview, and the verdict icons (drawn, so they scale to any screen)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from kiosk.scanning.verdict import VerdictKind


def set_role(widget: QWidget, role: str) -> QWidget:
    """Style hook: ``QLabel[role="title"]`` etc. in kiosk.qss."""
    widget.setProperty("role", role)
    return widget


def label(role: str = "", text: str = "", wrap: bool = False) -> QLabel:
    """A label that shows its text as typed: holder names, codes and server messages come
    from outside, and Qt would otherwise render one that looks like HTML as rich text."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        set_role(widget, role)
    widget.setWordWrap(wrap)
    return widget


def button(role: str = "", text: str = "") -> QPushButton:
    widget = QPushButton(text)
    if role:
        set_role(widget, role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the scanner and the form
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def mark_screen(widget: QWidget) -> None:
    widget.setProperty("screen", True)
    widget.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)


class FitLabel(QLabel):
    """One line of big text that shrinks (never grows) to fit the width it gets.

    Translations are longer than English ("JUŻ ZESKANOWANY"), and a clipped verdict word is
    the one thing a kiosk must never show. The size goes into the label's own stylesheet,
    which beats the window's ``QLabel { font-size }`` rule.
    """

    def __init__(self, pixel_size: int = 80, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixel_size = pixel_size
        self._css = ""
        self._fitted = 0
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)  # see label()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_pixel_size(self, size: int) -> None:
        self._pixel_size = size
        self._fit()

    def set_css(self, css: str) -> None:
        """Colour etc.; the font size is this label's business."""
        self._css = css
        self._fitted = 0
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        font = QFont(self.font())
        font.setBold(True)
        size = self._pixel_size
        available = max(50, self.width() - 16)
        while size > 12:
            font.setPixelSize(size)
            if QFontMetrics(font).horizontalAdvance(self.text()) <= available:
                break
            size -= 2
        if size != self._fitted:
            self._fitted = size
            self.setStyleSheet(f"{self._css} font-size: {size}px; font-weight: 800;")
            font.setPixelSize(size)
            self.setMinimumHeight(QFontMetrics(font).height())

    def sizeHint(self) -> QSize:
        font = QFont(self.font())
        font.setPixelSize(max(self._fitted, 12))
        return QSize(100, QFontMetrics(font).height())


class CameraView(QWidget):
    """The live preview: the newest frame, scaled to fit, with detected codes outlined."""

    OUTLINE_SECONDS = 0.6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._outlines: list[QPolygonF] = []
        self._outlined_at = 0.0
        self._message = ""
        self.frames_shown = 0
        self.setMinimumSize(160, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_frame(self, image: QImage, outlines: Sequence[QPolygonF]) -> None:
        self._image = image
        if outlines:
            self._outlines = list(outlines)
            self._outlined_at = time.monotonic()
        self.frames_shown += 1
        self.update()

    def set_message(self, message: str) -> None:
        """Shown instead of the picture (no camera, camera busy, ...)."""
        self._message = message
        if message:
            self._image = None
        self.update()

    def has_outline(self) -> bool:
        return bool(self._outlines) and (
            time.monotonic() - self._outlined_at < self.OUTLINE_SECONDS
        )

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#05070A"))
        if self._image is None or self._image.isNull():
            self._paint_message(painter)
            return
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRectF(
            (self.width() - size.width()) / 2,
            (self.height() - size.height()) / 2,
            size.width(),
            size.height(),
        )
        painter.drawImage(target, self._image)
        if self.has_outline():
            sx = target.width() / self._image.width()
            sy = target.height() / self._image.height()
            pen = QPen(QColor("#39FF6A"), max(3.0, self.height() / 120))
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            for outline in self._outlines:
                painter.drawPolygon(
                    QPolygonF(
                        [
                            QPointF(target.left() + p.x() * sx, target.top() + p.y() * sy)
                            for p in (outline.at(i) for i in range(outline.size()))
                        ]
                    )
                )

    def _paint_message(self, painter: QPainter) -> None:
        if not self._message:
            return
        font = QFont(self.font())
        font.setPixelSize(max(14, self.height() // 14))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#FFD54F"))
        painter.drawText(
            self.rect().adjusted(20, 20, -20, -20),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            self._message,
        )


class VerdictIcon(QWidget):
    """A big symbol in a ring, so the verdict reads without colour (and without reading)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = VerdictKind.VALID
        self.colour = QColor("white")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def set_kind(self, kind: VerdictKind, colour: QColor) -> None:
        self.kind, self.colour = kind, colour
        self.update()

    def paintEvent(self, event: object) -> None:
        side = min(self.width(), self.height()) - 8
        if side <= 10:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        stroke = side * 0.09
        pen = QPen(
            self.colour,
            stroke,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
        painter.setPen(pen)
        inner = box.adjusted(stroke / 2, stroke / 2, -stroke / 2, -stroke / 2)
        if self.kind is VerdictKind.ERROR:
            self._triangle(painter, inner)
            return
        painter.drawEllipse(inner)
        c, r = inner.center(), inner.width() / 2
        path = QPainterPath()
        if self.kind is VerdictKind.VALID:
            path.moveTo(c.x() - r * 0.45, c.y() + r * 0.02)
            path.lineTo(c.x() - r * 0.12, c.y() + r * 0.35)
            path.lineTo(c.x() + r * 0.48, c.y() - r * 0.32)
        elif self.kind in (VerdictKind.VOIDED, VerdictKind.EXPIRED):
            d = r * 0.38
            path.moveTo(c.x() - d, c.y() - d)
            path.lineTo(c.x() + d, c.y() + d)
            path.moveTo(c.x() + d, c.y() - d)
            path.lineTo(c.x() - d, c.y() + d)
        elif self.kind is VerdictKind.DUPLICATE:  # a clock: "seen before"
            path.moveTo(c.x(), c.y() - r * 0.55)
            path.lineTo(c.x(), c.y())
            path.lineTo(c.x() + r * 0.4, c.y() + r * 0.25)
        else:  # UNKNOWN
            font = QFont(self.font())
            font.setPixelSize(int(r * 1.3))
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, "?")
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _triangle(self, painter: QPainter, box: QRectF) -> None:
        top = QPointF(box.center().x(), box.top() + box.height() * 0.05)
        base = box.bottom() - box.height() * 0.08
        painter.drawPolygon(QPolygonF([top, QPointF(box.right(), base), QPointF(box.left(), base)]))
        c = box.center()
        painter.drawLine(
            QPointF(c.x(), c.y() - box.height() * 0.12), QPointF(c.x(), c.y() + box.height() * 0.15)
        )
        painter.drawPoint(QPointF(c.x(), c.y() + box.height() * 0.3))
