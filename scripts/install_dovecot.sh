#!/bin/sh
# Debian's dovecot-imapd for the IMAP tests (tests/mail/dovecot.py runs its own Dovecot, with its own
# configuration in a temporary directory, on a free port). Installing must not start the system-wide
# service: while apt runs, a policy-rc.d refuses every service start (unless one is already there).
set -u
test -x /usr/sbin/dovecot && exit 0
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "Dovecot is not installed: the IMAP tests will be skipped (apt-get install dovecot-imapd)"
  exit 0
fi
ours=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && ours=1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends dovecot-imapd >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends dovecot-imapd >/dev/null; }
status=$?
[ -n "$ours" ] && rm -f /usr/sbin/policy-rc.d
[ $status = 0 ] || echo "Installing dovecot-imapd failed (status $status): the IMAP tests will fail in CI"
exit 0
