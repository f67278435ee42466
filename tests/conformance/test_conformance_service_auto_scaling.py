"""AWS's service auto scaling for ECS with `aws application-autoscaling`, step by step: register the service as a
scalable target, apply a target tracking policy on its average CPU, see the policy, its alarms and the scaling."""

from __future__ import annotations

import json

CONFIG = json.dumps({"TargetValue": 75.0,
                     "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
                     "ScaleOutCooldown": 60, "ScaleInCooldown": 60}, indent=4)


def test_service_auto_scaling_tutorial(tutorial):
    """Step 1 (register-scalable-target, 2 to 10 tasks) of "Create a step scaling policy for Application Auto Scaling
    using the AWS CLI" (https://docs.aws.amazon.com/autoscaling/application/userguide/create-step-scaling-policy-cli.html)
    and the target tracking policy of "Use PutScalingPolicy with a CLI"
    (https://docs.aws.amazon.com/autoscaling/application/userguide/example_application-auto-scaling_PutScalingPolicy_section.html),
    on a Fargate service my-service in my-cluster made first.
    """
    subnet = tutorial.run("aws ec2 describe-subnets --filters Name=default-for-az,Values=true "
                          "--query 'Subnets[0].SubnetId' --output text").strip()
    tutorial.run("aws ecs create-cluster --cluster-name my-cluster")
    tutorial.run("aws ecs register-task-definition --family web --requires-compatibilities FARGATE "
                 "--network-mode awsvpc --cpu 256 --memory 512 "
                 "--container-definitions '[{\"name\":\"web\",\"image\":\"public.ecr.aws/nginx/nginx:latest\"}]'")
    tutorial.run("aws ecs create-service --cluster my-cluster --service-name my-service --task-definition web "
                 "--desired-count 2 --launch-type FARGATE "
                 f"--network-configuration 'awsvpcConfiguration={{subnets=[{subnet}],assignPublicIp=ENABLED}}'")
    tutorial.advance(120)

    # Step 1: register a scalable target
    registered = tutorial.json("aws application-autoscaling register-scalable-target --service-namespace ecs \\\n"
                               "  --scalable-dimension ecs:service:DesiredCount \\\n"
                               "  --resource-id service/my-cluster/my-service \\\n"
                               "  --min-capacity 2 --max-capacity 10")
    assert ":scalable-target/" in registered["ScalableTargetARN"]
    targets = tutorial.json("aws application-autoscaling describe-scalable-targets --service-namespace ecs")[
        "ScalableTargets"]
    assert [(t["ResourceId"], t["MinCapacity"], t["MaxCapacity"]) for t in targets] == [
        ("service/my-cluster/my-service", 2, 10)]

    # Step 2: a target tracking scaling policy (config.json in the current directory)
    tutorial.write("config.json", CONFIG)
    policy = tutorial.json("aws application-autoscaling put-scaling-policy --service-namespace ecs \\\n"
                           "--scalable-dimension ecs:service:DesiredCount \\\n"
                           "--resource-id service/my-cluster/my-service \\\n"
                           "--policy-name cpu75-target-tracking-scaling-policy --policy-type TargetTrackingScaling \\\n"
                           "--target-tracking-scaling-policy-configuration file://config.json")
    assert "policyName/cpu75-target-tracking-scaling-policy" in policy["PolicyARN"]
    names = sorted(alarm["AlarmName"] for alarm in policy["Alarms"])
    assert len(names) == 2 and all(n.startswith("TargetTracking-service/my-cluster/my-service-Alarm") for n in names)

    # Step 3: describe the policy and its alarms
    policies = tutorial.json("aws application-autoscaling describe-scaling-policies --service-namespace ecs")[
        "ScalingPolicies"]
    assert [(p["PolicyName"], p["PolicyType"]) for p in policies] == [
        ("cpu75-target-tracking-scaling-policy", "TargetTrackingScaling")]
    assert policies[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 75.0
    alarms = tutorial.json("aws cloudwatch describe-alarms --alarm-names " + " ".join(names))["MetricAlarms"]
    assert {(a["Namespace"], a["MetricName"]) for a in alarms} == {("AWS/ECS", "CPUUtilization")}

    # Under load (real traffic on AWS), the policy raises the service's desired count
    tutorial.load("my-cluster", "my-service", cpu=95, seconds=900)
    tutorial.advance(600)
    service = tutorial.json("aws ecs describe-services --cluster my-cluster --services my-service")["services"][0]
    assert 2 < service["desiredCount"] <= 10
    activities = tutorial.json("aws application-autoscaling describe-scaling-activities --service-namespace ecs "
                               "--resource-id service/my-cluster/my-service")["ScalingActivities"]
    assert activities and activities[0]["StatusCode"] == "Successful"
