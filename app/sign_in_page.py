"""The sign-in screen: account and password, or phone and SMS code. The face check that
follows is the controller's (app/learner_app.py); this page only collects the first
factor and shows each step's outcome."""

from __future__ import annotations

from qt_binding import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

SMS_RESEND_S = 60


class SignInPage(QWidget):
    password_submitted = Signal(str, str)  # account, password
    sms_code_requested = Signal(str)  # phone
    sms_submitted = Signal(str, str)  # phone, code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInPage")
        self.title = QLabel(self)
        self.title.setObjectName("signInTitle")
        self.title.setStyleSheet("font-size:20px;font-weight:bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.demo_hint = QLabel(self)
        self.demo_hint.setObjectName("demoHint")
        self.demo_hint.setStyleSheet("background:#fff3cd;color:#7a5b00;padding:6px;")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setVisible(False)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._password_tab(), "")
        self.tabs.addTab(self._sms_tab(), "")
        self.sign_in_button = QPushButton(self)
        self.sign_in_button.setObjectName("signIn")
        self.sign_in_button.setDefault(True)
        self.status = QLabel(self)
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)

        box = QWidget(self)
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.demo_hint)
        inner.addWidget(self.tabs)
        inner.addWidget(self.sign_in_button)
        inner.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self._resend_left = 0
        self.showing_error = False
        self._resend_timer = QTimer(self)
        self._resend_timer.setInterval(1000)
        self._resend_timer.timeout.connect(self._tick_resend)
        self.sign_in_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.code.returnPressed.connect(self._submit)
        self.send_code_button.clicked.connect(self._request_code)
        self.retranslate()

    def _password_tab(self) -> QWidget:
        tab = QWidget(self.tabs)
        form = QFormLayout(tab)
        self.account = QLineEdit(tab)
        self.account.setObjectName("account")
        self.password = QLineEdit(tab)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.account_label, self.password_label = QLabel(tab), QLabel(tab)
        form.addRow(self.account_label, self.account)
        form.addRow(self.password_label, self.password)
        return tab

    def _sms_tab(self) -> QWidget:
        tab = QWidget(self.tabs)
        form = QFormLayout(tab)
        self.phone = QLineEdit(tab)
        self.phone.setObjectName("phone")
        self.code = QLineEdit(tab)
        self.code.setObjectName("smsCode")
        self.code.setMaxLength(8)
        self.send_code_button = QPushButton(tab)
        self.send_code_button.setObjectName("sendCode")
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.send_code_button)
        self.phone_label, self.code_label = QLabel(tab), QLabel(tab)
        form.addRow(self.phone_label, self.phone)
        form.addRow(self.code_label, code_row)
        return tab

    def retranslate(self) -> None:
        self.title.setText(self.tr("Sign in to study"))
        self.tabs.setTabText(0, self.tr("Account and password"))
        self.tabs.setTabText(1, self.tr("Phone and SMS code"))
        self.account_label.setText(self.tr("Account"))
        self.password_label.setText(self.tr("Password"))
        self.phone_label.setText(self.tr("Phone"))
        self.code_label.setText(self.tr("SMS code"))
        self.sign_in_button.setText(self.tr("Sign in"))
        self._show_resend()

    def show_demo_hint(self, account: str, password: str, phone: str) -> None:
        self.demo_hint.setText(
            self.tr(
                "Demo: sign in as %1 with the password %2 (or phone %3; the SMS code appears in the client's log). The camera is simulated."  # noqa: E501
            )
            .replace("%1", account)
            .replace("%2", password)
            .replace("%3", phone)
        )
        self.demo_hint.setVisible(True)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.sign_in_button.setEnabled(not busy)
        self.tabs.setEnabled(not busy)
        if text:
            self.show_status(text)

    def show_status(self, text: str, error: bool = False) -> None:
        self.showing_error = error
        self.status.setStyleSheet("color:#b00020;" if error else "color:#1b5e20;")
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.show_status(text, error=True)

    def reset(self, forget_identity: bool = False) -> None:
        """Back to an empty form: no password or code stays in memory; after a sign-out
        (`forget_identity`) not the account or phone either, for the next learner."""
        self.password.clear()
        self.code.clear()
        if forget_identity:
            self.account.clear()
            self.phone.clear()
        self.set_busy(False)

    def _submit(self) -> None:
        if self.tabs.currentIndex() == 0:
            account, password = self.account.text().strip(), self.password.text()
            if not account or not password:
                self.show_error(self.tr("Enter your account and password."))
                return
            self.set_busy(True, self.tr("Checking your password…"))
            self.password_submitted.emit(account, password)
        else:
            phone, code = self.phone.text().strip(), self.code.text().strip()
            if not phone or not code:
                self.show_error(self.tr("Enter your phone number and the SMS code."))
                return
            self.set_busy(True, self.tr("Checking the code…"))
            self.sms_submitted.emit(phone, code)

    def _request_code(self) -> None:
        phone = self.phone.text().strip()
        if not phone:
            self.show_error(self.tr("Enter your phone number first."))
            return
        self._resend_left = SMS_RESEND_S
        self._resend_timer.start()
        self._show_resend()
        self.sms_code_requested.emit(phone)

    def _tick_resend(self) -> None:
        self._resend_left -= 1
        if self._resend_left <= 0:
            self._resend_timer.stop()
        self._show_resend()

    def _show_resend(self) -> None:
        waiting = self._resend_left > 0
        self.send_code_button.setEnabled(not waiting)
        self.send_code_button.setText(
            self.tr("Resend in %1 s").replace("%1", str(self._resend_left))
            if waiting
            else self.tr("Send code")
        )
