"""Loaded by Python at start-up when this folder is on PYTHONPATH (the tests put it there, with SHAPE_CHECK_LOG):
the shape check of shape_check.py on every botocore client of this process (the ecslab command, a lab kernel, the
AWS CLI and the botocore it ships)."""

import os
import sys

if os.environ.get("SHAPE_CHECK_LOG"):
    import shape_check

    if os.path.basename(sys.argv[0] if sys.argv else "") == "aws":
        try:
            from awscli.botocore.session import Session as _CliSession
        except ImportError:  # an AWS CLI that uses the common botocore
            from botocore.session import Session as _CliSession
        shape_check.install(_CliSession, raw_timestamps=True)
    else:
        from botocore.session import Session

        shape_check.install(Session)
