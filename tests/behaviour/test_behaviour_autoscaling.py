"""Service auto scaling over HTTP: synthetic load, AWS/ECS metrics, alarms on the simulated clock, target tracking
and step policies, scheduled actions, cooldowns, scaling activities and alarm history."""

from __future__ import annotations

import inspect
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
from behaviour_testutil import FAST_SCALE
from botocore.config import Config
from botocore.exceptions import ClientError

RESOURCE = "service/lab/web"
DIMENSION = "ecs:service:DesiredCount"
SCALE = float(FAST_SCALE)


def client(sim, name):
    return boto3.client(
        name, endpoint_url=sim.url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def set_load(sim, cpu, service="web", cluster="lab", **extra):
    payload = {"cluster": cluster, "servico": service, "cpu": cpu, "regiao": "us-east-1", **extra}
    request = urllib.request.Request(f"{sim.url}/ecslab/carga", data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def web_service(sim, desired=1, minimum=1, maximum=3):
    net = sim.network()
    sim.ecs.create_cluster(clusterName="lab")
    sim.ecs.create_service(cluster="lab", serviceName="web", taskDefinition=sim.fargate_task_definition(),
                           desiredCount=desired, launchType="FARGATE", networkConfiguration=net["awsvpc"])
    sim.stable("lab", "web")
    scaling = client(sim, "application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
                                     MinCapacity=minimum, MaxCapacity=maximum)
    return scaling


def track_cpu(scaling, target, out_cooldown=60, in_cooldown=60, name="cpu-alvo"):
    return scaling.put_scaling_policy(
        PolicyName=name, ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
            "ScaleOutCooldown": out_cooldown, "ScaleInCooldown": in_cooldown,
        },
    )


def activities(scaling):
    return scaling.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=RESOURCE,
                                               ScalableDimension=DIMENSION)["ScalingActivities"]


def desired(sim):
    return sim.service("lab", "web")["desiredCount"]


def test_target_tracking_scales_out_within_max_then_in_after_the_low_alarm(sim):
    scaling = web_service(sim, maximum=3)
    policy = track_cpu(scaling, 20.0)
    names = sorted(alarm["AlarmName"] for alarm in policy["Alarms"])
    assert len(names) == 2
    assert names[0].startswith("TargetTracking-service/lab/web-AlarmHigh-")
    assert names[1].startswith("TargetTracking-service/lab/web-AlarmLow-")
    cloudwatch = client(sim, "cloudwatch")
    found = {a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]}
    high, low = found[names[0]], found[names[1]]
    assert (high["Threshold"], high["EvaluationPeriods"], high["ComparisonOperator"]) == (
        20.0, 3, "GreaterThanThreshold")
    assert (low["Threshold"], low["EvaluationPeriods"], low["ComparisonOperator"]) == (18.0, 15, "LessThanThreshold")
    assert {d["Name"]: d["Value"] for d in high["Dimensions"]} == {"ClusterName": "lab", "ServiceName": "web"}

    sim.advance(120)  # the default load (about 15%) is under the target: nothing happens
    assert desired(sim) == 1 and activities(scaling) == []

    assert set_load(sim, 100)[0] == 200
    sim.advance(240)
    assert desired(sim) == 3  # ceil(1 x 100 / 20) = 5, capped at the maximum
    sim.stable("lab", "web")
    (out,) = activities(scaling)
    assert out["Description"] == "Setting desired count to 3."
    assert out["Cause"].startswith(f"monitor alarm {names[0]} in state ALARM")
    assert out["Cause"].endswith("triggered policy cpu-alvo")
    assert out["StatusCode"] == "Successful"

    set_load(sim, 2)  # 2% of three tasks' worth: the low alarm needs 15 minutes below 18%
    sim.advance(600)
    assert desired(sim) == 3
    sim.advance(600)
    assert desired(sim) == 1
    latest, first = activities(scaling)
    assert first["ActivityId"] == out["ActivityId"]
    assert latest["Description"] == "Setting desired count to 1."
    assert latest["Cause"] == f"monitor alarm {names[1]} in state ALARM triggered policy cpu-alvo"
    assert latest["StartTime"] > first["StartTime"]
    sim.stable("lab", "web")

    history = cloudwatch.describe_alarm_history(AlarmName=names[0])["AlarmHistoryItems"]
    summaries = [item["HistorySummary"] for item in history]
    assert summaries[-1] == f'Alarm "{names[0]}" created'
    assert summaries[-2] == "Alarm updated from INSUFFICIENT_DATA to OK"  # AWS starts an alarm with no data
    assert "Alarm updated from OK to ALARM" in summaries and "Alarm updated from ALARM to OK" in summaries
    assert [item["Timestamp"] for item in history] == sorted((item["Timestamp"] for item in history), reverse=True)
    to_alarm = next(item for item in history if item["HistorySummary"] == "Alarm updated from OK to ALARM")
    new_state = json.loads(to_alarm["HistoryData"])["newState"]
    assert new_state["stateValue"] == "ALARM"
    assert new_state["stateReason"].startswith("Threshold Crossed: 3 out of the last 3 datapoints [")
    states = cloudwatch.describe_alarm_history(AlarmName=names[1], HistoryItemType="StateUpdate")
    assert "Alarm updated from OK to ALARM" in [item["HistorySummary"] for item in states["AlarmHistoryItems"]]


def test_scale_out_cooldown_holds_the_second_scale_out(sim):
    scaling = web_service(sim, maximum=10)
    track_cpu(scaling, 40.0, out_cooldown=600, in_cooldown=900)
    set_load(sim, 90)
    sim.advance(240)
    assert desired(sim) == 3  # ceil(1 x 90 / 40)
    sim.stable("lab", "web")
    set_load(sim, 90)  # now 90% of three tasks: the high alarm fires again within three minutes
    sim.advance(300)
    assert desired(sim) == 3  # still cooling down
    sim.advance(400)
    assert desired(sim) == 7  # ceil(3 x 90 / 40)
    second, first = activities(scaling)
    assert first["Description"] == "Setting desired count to 3."
    assert second["Description"] == "Setting desired count to 7."
    waited = (second["StartTime"] - first["StartTime"]).total_seconds() * SCALE
    assert waited >= 600


def test_step_scaling_through_an_alarm_with_the_policy_arn(sim):
    scaling = web_service(sim, maximum=5)
    policy_arn = scaling.put_scaling_policy(
        PolicyName="passos", ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity", "Cooldown": 300, "MetricAggregationType": "Average",
            "StepAdjustments": [
                {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3},
            ],
        },
    )["PolicyARN"]
    cloudwatch = client(sim, "cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="cpu-alta", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average", Period=60,
        EvaluationPeriods=2, Threshold=60, ComparisonOperator="GreaterThanThreshold", AlarmActions=[policy_arn],
        Dimensions=[{"Name": "ClusterName", "Value": "lab"}, {"Name": "ServiceName", "Value": "web"}],
    )
    set_load(sim, 95)  # 35 points above the threshold: the second step, +3
    sim.advance(180)
    assert desired(sim) == 4
    (activity,) = activities(scaling)
    assert activity["Cause"] == "monitor alarm cpu-alta in state ALARM triggered policy passos"
    history = cloudwatch.describe_alarm_history(AlarmName="cpu-alta", ScanBy="TimestampAscending")
    summaries = [item["HistorySummary"] for item in history["AlarmHistoryItems"]]
    assert summaries[0] == 'Alarm "cpu-alta" created'
    assert "Alarm updated from OK to ALARM" in summaries
    assert f"Successfully executed action {policy_arn}" in summaries

    manual_arn = scaling.put_scaling_policy(
        PolicyName="manual", ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        PolicyType="StepScaling", StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]},
    )["PolicyARN"]
    cloudwatch.put_metric_alarm(
        AlarmName="manual", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average", Period=60,
        EvaluationPeriods=1, Threshold=60, ComparisonOperator="GreaterThanThreshold", AlarmActions=[manual_arn],
        Dimensions=[{"Name": "ClusterName", "Value": "lab"}, {"Name": "ServiceName", "Value": "web"}],
    )
    cloudwatch.set_alarm_state(AlarmName="manual", StateValue="ALARM", StateReason="teste")
    assert desired(sim) == 3  # a state set by hand runs its actions: about 24% is 36 points under 60, step -1
    assert activities(scaling)[0]["Cause"] == "monitor alarm manual in state ALARM triggered policy manual"


def test_load_endpoint_metrics_and_duration(sim):
    web_service(sim)
    assert set_load(sim, 150)[0] == 400
    assert set_load(sim, 50, service="nada")[0] == 404
    assert set_load(sim, 50, duracao=0)[0] == 400
    started = datetime.now(UTC) - timedelta(minutes=5)
    status, body = set_load(sim, 90, duracao=180)
    assert status == 200 and body["cpu"] == 90 and body["duracao"] == 180
    sim.advance(600)
    cloudwatch = client(sim, "cloudwatch")
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/ECS", MetricName="CPUUtilization", Period=3600, Statistics=["Maximum", "Minimum"],
        Dimensions=[{"Name": "ClusterName", "Value": "lab"}, {"Name": "ServiceName", "Value": "web"}],
        StartTime=started, EndTime=datetime.now(UTC) + timedelta(hours=1),
    )["Datapoints"]
    assert max(p["Maximum"] for p in points) >= 85  # the three loaded minutes
    assert min(p["Minimum"] for p in points) <= 20  # back to the default load afterwards
    listed = cloudwatch.list_metrics(Namespace="AWS/ECS", MetricName="MemoryUtilization")["Metrics"]
    assert [{"Name": "ClusterName", "Value": "lab"}] in [m["Dimensions"] for m in listed]


def test_policy_needs_a_target_and_replacing_or_deregistering_cleans_alarms(sim):
    scaling = web_service(sim)
    cloudwatch = client(sim, "cloudwatch")
    with pytest.raises(ClientError) as error:
        scaling.put_scaling_policy(
            PolicyName="x", ServiceNamespace="ecs", ResourceId="service/lab/outro", ScalableDimension=DIMENSION,
            PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0})
    assert error.value.response["Error"]["Code"] == "ObjectNotFoundException"
    track_cpu(scaling, 50.0)
    track_cpu(scaling, 60.0)  # the same policy again: its alarms are replaced, not added
    tracking = cloudwatch.describe_alarms(AlarmNamePrefix="TargetTracking-")["MetricAlarms"]
    assert sorted(a["Threshold"] for a in tracking) == [54.0, 60.0]
    memory = scaling.put_scaling_policy(
        PolicyName="memoria", ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
        PolicyType="TargetTrackingScaling", TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70.0, "DisableScaleIn": True,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageMemoryUtilization"}})
    (only_high,) = cloudwatch.describe_alarms(AlarmNames=[a["AlarmName"] for a in memory["Alarms"]])["MetricAlarms"]
    assert "-AlarmHigh-" in only_high["AlarmName"] and only_high["MetricName"] == "MemoryUtilization"
    scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION)
    assert cloudwatch.describe_alarms(AlarmNamePrefix="TargetTracking-")["MetricAlarms"] == []
    assert scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []
    with pytest.raises(ClientError) as error:
        scaling.describe_scaling_activities(ServiceNamespace="nada")
    assert error.value.response["Error"]["Code"] == "ValidationException"


def test_moto_still_lacks_the_actions_the_layer_adds():
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.cloudwatch.responses import CloudWatchResponse

    from ecslab.behaviour.moto_patches import ADDITIONS

    assert {
        (ApplicationAutoScalingResponse, "describe_scaling_activities"),
        (CloudWatchResponse, "describe_alarm_history"),
    } <= {(a.owner, a.name) for a in ADDITIONS}
    for addition in ADDITIONS:
        assert f"def {addition.name}(" not in inspect.getsource(addition.owner), addition.name


def test_percent_change_in_capacity_rounds_as_aws():
    from ecslab.behaviour.autoscaling import percent_change

    assert percent_change(10, 25, 0) == 2  # 2.5 rounds down
    assert percent_change(2, 10, 0) == 1  # 0.2 rounds up to 1
    assert percent_change(10, -25, 0) == -2
    assert percent_change(2, -10, 0) == -1
    assert percent_change(10, 10, 3) == 3  # MinAdjustmentMagnitude


# --- scheduled actions ----------------------------------------------------------------------------------------


def schedule(scaling, name, expression, **extra):
    scaling.put_scheduled_action(ServiceNamespace="ecs", ScheduledActionName=name, ResourceId=RESOURCE,
                                 ScalableDimension=DIMENSION, Schedule=expression, **extra)


def limits(scaling):
    (target,) = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[RESOURCE])["ScalableTargets"]
    return target["MinCapacity"], target["MaxCapacity"]


def triggered(scaling, name):
    return [a for a in activities(scaling) if a["Cause"] == f"scheduled action name {name} was triggered"]


def test_scheduled_at_sets_the_limits_then_the_desired_count_once(sim):
    scaling = web_service(sim, desired=1, minimum=1, maximum=3)
    in_an_hour = datetime.now(UTC) + timedelta(hours=1)
    schedule(scaling, "pico", f"at({in_an_hour:%Y-%m-%dT%H:%M:%S})",
             ScalableTargetAction={"MinCapacity": 3, "MaxCapacity": 6})
    sao_paulo = (in_an_hour + timedelta(minutes=30)).astimezone(ZoneInfo("America/Sao_Paulo"))
    schedule(scaling, "pico-local", f"at({sao_paulo:%Y-%m-%dT%H:%M:%S})", Timezone="America/Sao_Paulo",
             ScalableTargetAction={"MaxCapacity": 8})
    listed = scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]
    assert sorted(a["ScheduledActionName"] for a in listed) == ["pico", "pico-local"]
    assert limits(scaling) == (1, 3) and desired(sim) == 1 and activities(scaling) == []

    sim.advance(3660)
    assert limits(scaling) == (3, 6)
    assert desired(sim) == 3
    latest, first = activities(scaling)
    assert first["Description"] == "Setting min capacity to 3 and max capacity to 6"
    assert first["Cause"] == "scheduled action name pico was triggered"
    assert (first["StatusCode"], first["StatusMessage"]) == (
        "Successful", "Successfully set min capacity to 3 and max capacity to 6")
    assert latest["Description"] == "Setting desired count to 3."
    assert latest["Cause"] == "minimum capacity was set to 3"
    assert latest["StatusMessage"] == "Successfully set desired count to 3. Change successfully fulfilled by ecs."
    sim.stable("lab", "web")

    sim.advance(1800)  # half an hour later in São Paulo's wall time: the second action, only the maximum
    assert limits(scaling) == (3, 8)
    (local,) = triggered(scaling, "pico-local")
    assert local["Description"] == "Setting max capacity to 8"
    sim.advance(7200)  # at() runs once
    assert len(triggered(scaling, "pico")) == 1 and len(activities(scaling)) == 3


def test_scheduled_rate_repeats_within_its_end_time_and_scales_in_to_the_maximum(sim):
    scaling = web_service(sim, desired=3, minimum=1, maximum=5)
    end = datetime.now(UTC) + timedelta(hours=5)
    schedule(scaling, "noite", "rate(2 hours)", EndTime=end, ScalableTargetAction={"MaxCapacity": 2})
    sim.advance(3600)
    assert desired(sim) == 3 and activities(scaling) == []
    sim.advance(3700)
    assert limits(scaling) == (1, 2) and desired(sim) == 2
    assert activities(scaling)[0]["Cause"] == "maximum capacity was set to 2"
    assert activities(scaling)[0]["Description"] == "Setting desired count to 2."

    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
                                     MaxCapacity=5)
    sim.ecs.update_service(cluster="lab", service="web", desiredCount=4)
    sim.advance(7200)  # four hours after the put: the second run
    assert limits(scaling) == (1, 2) and desired(sim) == 2
    sim.advance(7200)  # six hours: past EndTime, no third run
    runs = triggered(scaling, "noite")
    assert len(runs) == 2
    waited = (runs[0]["StartTime"] - runs[1]["StartTime"]).total_seconds() * SCALE
    assert 7190 <= waited <= 7210


def test_scheduled_cron_in_a_timezone_and_a_failed_run(sim):
    scaling = web_service(sim, desired=1, minimum=1, maximum=3)
    local = (datetime.now(UTC) + timedelta(hours=2)).astimezone(ZoneInfo("America/Sao_Paulo"))
    schedule(scaling, "diaria", f"cron({local.minute} {local.hour} * * ? *)", Timezone="America/Sao_Paulo",
             ScalableTargetAction={"MinCapacity": 2})
    schedule(scaling, "errada", "rate(3 hours)", ScalableTargetAction={"MinCapacity": 10})
    sim.advance(3600)
    assert activities(scaling) == []
    sim.advance(3600)
    assert limits(scaling) == (2, 3) and desired(sim) == 2
    sim.advance(3660)  # three hours: the minimum above the maximum fails and changes nothing
    (failed,) = triggered(scaling, "errada")
    assert failed["StatusCode"] == "Failed"
    assert failed["Description"] == "Setting min capacity to 10"
    assert limits(scaling) == (2, 3) and desired(sim) == 2
    sim.advance(86400)  # the next day at the same time (and the rate action every three hours)
    assert len(triggered(scaling, "diaria")) == 2
    (first_run,) = [a for a in activities(scaling) if a["Description"] == "Setting desired count to 2."]
    assert first_run["Cause"] == "minimum capacity was set to 2"


def test_scheduled_actions_are_validated_and_go_with_their_target(sim):
    scaling = web_service(sim)
    for expression, words in (("cron(0 8 ? * 2#1 *)", "does not run cron expressions"),
                              ("cron(0 8 L * ? *)", "does not run cron expressions"),
                              ("cron(0 8 * * *)", "six fields"), ("cron(0 8 1 * MON *)", "'?'"),
                              ("rate(0 minutes)", "positive"), ("rate(1 week)", "minute(s)"),
                              ("amanhã às 8h", "at(yyyy-mm-ddThh:mm:ss)")):
        with pytest.raises(ClientError) as error:
            schedule(scaling, "x", expression, ScalableTargetAction={"MinCapacity": 2})
        assert error.value.response["Error"]["Code"] == "ValidationException", expression
        assert words in error.value.response["Error"]["Message"], expression
    with pytest.raises(ClientError) as error:
        schedule(scaling, "x", "rate(1 hour)", Timezone="America/Atlantida", ScalableTargetAction={"MinCapacity": 2})
    assert error.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as error:
        scaling.put_scheduled_action(ServiceNamespace="ecs", ScheduledActionName="x", ResourceId="service/lab/outro",
                                     ScalableDimension=DIMENSION, Schedule="rate(1 hour)",
                                     ScalableTargetAction={"MinCapacity": 2})
    assert error.value.response["Error"]["Code"] == "ObjectNotFoundException"
    assert scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []

    schedule(scaling, "manha", "cron(0 8 ? * MON-FRI *)", ScalableTargetAction={"MinCapacity": 2})
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
                                     SuspendedState={"ScheduledScalingSuspended": True})
    schedule(scaling, "suspensa", "rate(1 hour)", ScalableTargetAction={"MinCapacity": 3})
    sim.advance(3700)
    assert desired(sim) == 1 and triggered(scaling, "suspensa") == []  # suspended: nothing runs
    scaling.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION)
    assert scaling.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"] == []


def test_cron_fields_follow_aws_days_and_names():
    from ecslab.behaviour.rules.schedules import next_cron, parse

    def after(expression, moment):
        return next_cron(parse(expression).cron, moment)

    friday = datetime(2026, 11, 27, 9, 7)  # a Friday, after 08:00
    assert after("cron(0 8 ? * MON-FRI *)", friday) == datetime(2026, 11, 30, 8, 0)
    assert after("cron(0 8 ? * 2-6 *)", friday) == datetime(2026, 11, 30, 8, 0)  # 1 is Sunday, as in AWS
    assert after("cron(30 6 ? * SUN *)", friday) == datetime(2026, 11, 29, 6, 30)
    assert after("cron(*/15 * * * ? *)", friday) == datetime(2026, 11, 27, 9, 15)
    assert after("cron(0 0 29 FEB ? *)", friday) == datetime(2028, 2, 29, 0, 0)
    assert after("cron(0 12 1 JAN,JUL ? 2027)", friday) == datetime(2027, 1, 1, 12, 0)
    assert after("cron(0 12 1 1 ? 2020)", friday) is None  # a year already past never comes


def test_registering_a_range_brings_the_desired_count_inside_it(sim):
    """API_RegisterScalableTarget: registering or updating a target changes an active resource's capacity to a value
    inside the new range, as a scaling activity."""
    scaling = web_service(sim, desired=1, minimum=1, maximum=3)
    assert activities(scaling) == []  # already inside: nothing to do
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
                                     MinCapacity=2, MaxCapacity=4)
    assert desired(sim) == 2
    latest = activities(scaling)[0]
    assert (latest["Description"], latest["Cause"], latest["StatusCode"]) == (
        "Setting desired count to 2.", "minimum capacity was set to 2", "Successful")
    scaling.register_scalable_target(ServiceNamespace="ecs", ResourceId=RESOURCE, ScalableDimension=DIMENSION,
                                     MaxCapacity=1, MinCapacity=1)
    assert desired(sim) == 1
    assert activities(scaling)[0]["Cause"] == "maximum capacity was set to 1"
    sim.stable("lab", "web")
    assert sim.service("lab", "web")["runningCount"] == 1
