"""The write load of `make bench` (bench/run.sh): registrations through the real view, each by a
different signed-in person, at a steady rate, while wrk measures the anonymous pages.

    python bench/writer.py BASE_URL EVENT_PATH SESSIONS_FILE RATE

Posts to EVENT_PATH + "inscription/" with one session of SESSIONS_FILE (one key a line, see
`prepare.py write-sessions`) per registration, RATE registrations per second, on schedule (each in its
own thread: a slow answer does not shift the next one), until the sessions run out or it receives SIGTERM/SIGINT.
Then prints one line for run.sh:

    WRITES <registrations asked> <answered as expected (302 back to the event)> <errors> <seconds>

No Django: the standard library only, so the process is as light as a browser's requests.
"""

import http.client
import secrets
import signal
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit


def main(base: str, event_path: str, sessions_path: str, rate: float) -> int:
    with open(sessions_path, encoding="utf-8") as lines:
        sessions = [line.strip() for line in lines if line.strip()]
    target = urlsplit(base)
    stop = False

    def request_stop(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    path = event_path.rstrip("/") + "/inscription/"

    def register(n, session):
        # The CSRF secret is ours to choose: the same value in the cookie and the form, as Django
        # accepts it (an unmasked 32-character secret).
        token = secrets.token_hex(16)
        headers = {
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": target.netloc,
        }
        outcome, problem = "errors", ""
        try:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            connection.request("POST", path, body=urlencode({"csrfmiddlewaretoken": token}), headers=headers)
            response = connection.getresponse()
            response.read()
            location = response.getheader("Location") or ""
            connection.close()
            if response.status == 302 and location.rstrip("/").endswith(event_path.rstrip("/")):
                outcome = "ok"
            else:
                problem = f"HTTP {response.status} {location}"
        except OSError as error:
            problem = str(error)
        with lock:
            counts[outcome] += 1
        if problem:
            print(f"inscription {n} : {problem}", file=sys.stderr)

    asked = 0
    workers = []
    start = time.monotonic()
    for n, session in enumerate(sessions):
        # On schedule, each in its own thread: the n-th registration leaves at start + n / rate
        # however slowly the server answers the previous ones.
        delay = start + n / rate - time.monotonic()
        while delay > 0 and not stop:
            time.sleep(min(delay, 0.1))
            delay = start + n / rate - time.monotonic()
        if stop:
            break
        asked += 1
        worker = threading.Thread(target=register, args=(n, session))
        worker.start()
        workers.append(worker)
    elapsed = time.monotonic() - start
    for worker in workers:
        worker.join()
    ok, errors = counts["ok"], counts["errors"]
    print(f"WRITES {asked} {ok} {errors} {elapsed:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
