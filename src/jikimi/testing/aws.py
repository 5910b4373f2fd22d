"""A local S3/KMS-compatible server (moto's) for tests of the AWS integrations.

The environment is pinned for the duration so that boto3 can only reach the local
server with throw-away credentials: no profile, shared config, session token or endpoint
override from the developer's machine leaks in, and no request leaves loopback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

_CLEARED = (
    "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_REGION",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KMS",
)  # fmt: skip


@contextmanager
def local_aws_server(secret: str, *, region: str | None = None) -> Iterator[str]:
    """Run moto's threaded server on 127.0.0.1 and yield its endpoint URL.

    ``region`` becomes ``AWS_DEFAULT_REGION``; None leaves no default region, for tests
    of what happens without one. Needs the ``moto[server]`` dev dependency.
    """
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    pinned = {
        "AWS_ACCESS_KEY_ID": "testing-access",
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    if region is not None:
        pinned["AWS_DEFAULT_REGION"] = region
    saved = {k: os.environ.get(k) for k in (*_CLEARED, *pinned)}
    for var in _CLEARED:
        os.environ.pop(var, None)
    os.environ.update(pinned)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
