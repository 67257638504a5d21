"""Setting the kiosk up: API URL + workspace token (typed, or from a QR code shown to the
camera), a device name and the admin PIN. Registration runs off the UI thread; the screen
shows the workspace name on success or the one-sentence reason on failure.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.ui.pin import pin_problem
from kiosk.ui.provisioning_code import parse_provisioning_code
from kiosk.ui.widgets import CameraView, button, label, mark_screen


class FirstRunScreen(QWidget):
    # api_url, workspace token, device name, new PIN ("" keeps the current one)
    registerRequested = Signal(str, str, str, str)
    continueRequested = Signal()
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mark_screen(self)
        self.pin_required = True
        self.busy = False
        self.title = label("title")
        self.intro = label("hint", wrap=True)
        self.api_url = QLineEdit()
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.name = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again = QLineEdit()
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        for field in (self.pin, self.pin_again):
            field.setMaxLength(12)
            field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._form_labels = [label() for _ in range(5)]
        for row_label, field in zip(
            self._form_labels,
            (self.api_url, self.token, self.name, self.pin, self.pin_again),
            strict=True,
        ):
            self.form.addRow(row_label, field)
        self.register = button("primary")
        self.register.clicked.connect(self._register)
        self.cancel = button()
        self.cancel.clicked.connect(self.cancelRequested)
        self.cancel.setVisible(False)
        self.start = button("primary")
        self.start.clicked.connect(self.continueRequested)
        self.start.setVisible(False)
        self.message = label("hint", wrap=True)
        self.camera = CameraView()
        self.qr_hint = label("hint", wrap=True)
        self.qr_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        buttons = QHBoxLayout()
        buttons.addWidget(self.register)
        buttons.addWidget(self.start)
        buttons.addWidget(self.cancel)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.intro)
        left.addLayout(self.form)
        left.addLayout(buttons)
        left.addWidget(self.message)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.camera, 1)
        right.addWidget(self.qr_hint)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(24)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        for field in (self.api_url, self.token, self.name, self.pin, self.pin_again):
            field.returnPressed.connect(self._register)
        self.retranslate()

    def prepare(
        self, api_url: str, device_name: str, pin_required: bool, cancellable: bool
    ) -> None:
        """Fresh form: first run (PIN required) or registering again from Admin."""
        self.pin_required = pin_required
        self.api_url.setText(api_url)
        self.name.setText(device_name)
        for field in (self.token, self.pin, self.pin_again):
            field.clear()
        self.cancel.setVisible(cancellable)
        self.start.setVisible(False)
        self.register.setVisible(True)
        self._set_busy(False)
        self._say("", "hint")
        self.retranslate()

    def offer_code(self, text: str) -> bool:
        """A code seen by the camera: fill the form when it is a provisioning code."""
        if self.busy or self.start.isVisible():
            return False
        code = parse_provisioning_code(text)
        if code is None:
            return False
        self.api_url.setText(code.api_url)
        if code.token:
            self.token.setText(code.token)
        if code.name:
            self.name.setText(code.name)
        self._say(
            self.tr(
                "Read the API URL and token from the QR code. "
                "Set the admin PIN, then press Register."
            ),
            "success",
        )
        (self.pin if self.pin_required else self.register).setFocus()
        return True

    def _register(self) -> None:
        if self.busy or not self.register.isVisible():
            return
        problem = self._problem()
        if problem:
            self._say(problem, "error")
            return
        self._set_busy(True)
        self._say(self.tr("Registering with the server…"), "hint")
        self.registerRequested.emit(
            self.api_url.text().strip(),
            self.token.text().strip(),
            self.name.text().strip(),
            self.pin.text(),
        )

    def _problem(self) -> str:
        if not self.api_url.text().strip():
            return self.tr("Enter the API URL.")
        if not self.token.text().strip():
            return self.tr("Enter the workspace token (or show its QR code to the camera).")
        if not self.name.text().strip():
            return self.tr("Enter a name for this device, e.g. door-3.")
        pin, again = self.pin.text(), self.pin_again.text()
        if not pin and not again and not self.pin_required:
            return ""
        if pin_problem(pin):
            return self.tr("The admin PIN must be 4 to 12 digits.")
        if pin != again:
            return self.tr("The two PINs differ; type the same PIN twice.")
        return ""

    def show_success(self, workspace: str, device: str) -> None:
        self._set_busy(False)
        self.token.clear()
        self._say(
            self.tr("Registered “%1” in workspace “%2”.")
            .replace("%1", device)
            .replace("%2", workspace),
            "success",
        )
        self.register.setVisible(False)
        self.cancel.setVisible(False)
        self.start.setVisible(True)

    def show_failure(self, sentence: str) -> None:
        self._set_busy(False)
        self._say(sentence, "error")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.register.setEnabled(not busy)
        for field in (self.api_url, self.token, self.name, self.pin, self.pin_again):
            field.setEnabled(not busy)

    def _say(self, text: str, role: str) -> None:
        self.message.setProperty("role", role)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Set up this kiosk"))
        self.intro.setText(
            self.tr(
                "Copy the API URL and the workspace token from the Tiketo "
                "workspace page, or show its setup QR code to the camera."
            )
        )
        texts = (
            self.tr("API URL"),
            self.tr("Workspace token"),
            self.tr("Device name"),
            self.tr("Admin PIN"),
            self.tr("PIN again"),
        )
        for row_label, text in zip(self._form_labels, texts, strict=True):
            row_label.setText(text)
        self.api_url.setPlaceholderText("https://…/graphql")
        self.token.setPlaceholderText(self.tr("pasted or read from the QR code"))
        self.pin.setPlaceholderText(
            self.tr("4 to 12 digits")
            if self.pin_required
            else self.tr("empty: keep the current PIN")
        )
        self.register.setText(self.tr("Register"))
        self.cancel.setText(self.tr("Cancel"))
        self.start.setText(self.tr("Start scanning"))
        self.qr_hint.setText(self.tr("Setup QR code: hold it in front of the camera"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
