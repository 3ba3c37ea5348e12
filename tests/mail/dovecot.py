"""A real Dovecot IMAP server for the tests, as an ordinary process.

Debian's ``dovecot-imapd`` (installed by ``make dovecot``, which ``make test`` runs) provides the
binary; this harness writes its own configuration into a temporary directory — its own base dir,
state, logs, one plain-text user, Maildir storage — and starts ``dovecot -F`` on a free port on
127.0.0.1. No system-wide service is started or touched, and several test runs can each have one.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available() -> bool:
    return os.path.exists(DOVECOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    user = "foi"
    password = "imap-test-pass"

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="foia-dovecot-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def _config(self) -> str:
        me = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = self._mail_ids()
        # As root Dovecot drops privileges to its own system users (the package creates them);
        # as anyone else every process runs as that user.
        root = os.getuid() == 0
        internal = "dovecot" if root else me
        login = "dovenull" if root else me
        d = self.dir
        return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login}
mail_location = maildir:{d}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""

    @staticmethod
    def _mail_ids() -> tuple[int, int]:
        """Dovecot never stores mail as root: as root, the mail belongs to its own system user."""
        if os.getuid() == 0:
            entry = pwd.getpwnam("dovecot")
            return entry.pw_uid, entry.pw_gid
        return os.getuid(), os.getgid()

    def start(self) -> Dovecot:
        d = self.dir
        uid, gid = self._mail_ids()
        for sub in ("run", "state", "mail", "home"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(d / sub, uid, gid)
        os.chmod(d, 0o755)
        (d / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        (d / "dovecot.conf").write_text(self._config())
        with open(d / "stderr.log", "wb") as stderr:
            self.process = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("dovecot exited: " + self.log())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        log = self.log()
        self.stop()
        raise RuntimeError("dovecot did not answer: " + log)

    def log(self) -> str:
        out = ""
        for name in ("stderr.log", "dovecot.log"):
            path = self.dir / name
            if path.exists():
                out += path.read_text(errors="replace")[-3000:]
        return out

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        client.select_folder("INBOX")
        return client

    def append(self, messages: list[bytes]) -> None:
        client = self.client()
        for raw in messages:
            client.append("INBOX", raw)
        client.logout()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
