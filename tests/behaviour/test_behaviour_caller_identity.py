"""STS GetCallerIdentity over HTTP names who signed the call on the emulator (ecslab.identity): a student or the
instructor as an IAM user of the emulator's account, as AWS answers for an IAM user; anyone else gets moto's user."""

from __future__ import annotations

import re

import boto3

ACCOUNT = "123456789012"


def _identity(sim, access_key: str) -> dict:
    sts = boto3.client("sts", endpoint_url=sim.url, region_name="us-east-1", aws_access_key_id=access_key,
                       aws_secret_access_key="testing")
    answer = sts.get_caller_identity()
    return {key: answer[key] for key in ("UserId", "Account", "Arn")}


def test_get_caller_identity_names_the_student_or_the_instructor(sim):
    ana = _identity(sim, "ecslab-aluno-ana")
    assert ana["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ana"
    assert ana["Account"] == ACCOUNT
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", ana["UserId"])  # an IAM user's unique ID
    assert _identity(sim, "ecslab-aluno-ana") == ana  # the same every time
    bia = _identity(sim, "ecslab-aluno-bia")
    assert bia["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/bia" and bia["UserId"] != ana["UserId"]
    assert _identity(sim, "ecslab-instrutor")["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/instrutor"
    assert _identity(sim, "testing")["Arn"] == f"arn:aws:sts::{ACCOUNT}:user/moto"  # moto's default, unchanged
