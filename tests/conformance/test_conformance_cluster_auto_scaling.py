"""AWS's tutorial "Using cluster auto scaling with the AWS CLI", step by step: two Auto Scaling groups, two capacity
providers with managed scaling, a cluster with both, five tasks that make the groups grow."""

from __future__ import annotations

import json

TRUST = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
         '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')

TASK_DEFINITION = """{
    "family": "CLItutorial-taskdef",
    "containerDefinitions": [
        {"name": "sleep", "image": "amazonlinux:2", "memory": 20, "essential": true,
         "command": ["sh", "-c", "sleep infinity"]}
    ],
    "requiresCompatibilities": ["EC2"]
}"""


def provider(name: str, group_arn: str) -> str:
    return json.dumps({"name": name, "autoScalingGroupProvider": {
        "autoScalingGroupArn": group_arn,
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100, "minimumScalingStepSize": 1,
                           "maximumScalingStepSize": 100},
        "managedTerminationProtection": "ENABLED"}})


def test_cluster_auto_scaling_tutorial(tutorial):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/tutorial-cluster-auto-scaling-cli.html

    Prerequisites first (the container instance role and its instance profile, a public subnet and a security group
    of the default VPC, the ECS-optimized AMI); then the tutorial's commands, in us-west-2 as printed. The cluster's
    attachments are the managed scaling policies, of type as_policy as the AWS CLI Command Reference shows them
    (https://docs.aws.amazon.com/cli/latest/reference/ecs/describe-clusters.html).
    """
    region = "--region us-west-2"
    tutorial.run(f"aws iam create-role --role-name ecsInstanceRole --assume-role-policy-document '{TRUST}'"
                 " && aws iam create-instance-profile --instance-profile-name ecsInstanceRole"
                 " && aws iam add-role-to-instance-profile --instance-profile-name ecsInstanceRole"
                 " --role-name ecsInstanceRole")
    profile = tutorial.json("aws iam list-instance-profiles-for-role --role-name ecsInstanceRole")[
        "InstanceProfiles"][0]["Arn"]
    subnet = tutorial.json(f"aws ec2 describe-subnets --filters Name=default-for-az,Values=true {region}")[
        "Subnets"][0]
    group = tutorial.run(f"aws ec2 describe-security-groups --filters Name=group-name,Values=default {region} "
                         "--query 'SecurityGroups[0].GroupId' --output text").strip()
    ami = tutorial.run(f"aws ssm get-parameters --names /aws/service/ecs/optimized-ami/amazon-linux-2/recommended "
                       f"{region} --query 'Parameters[0].Value' --output text | jq -r '.image_id'").strip()

    # Step 1: the Auto Scaling resources
    tutorial.write("CLItutorial-launchconfig.json", json.dumps({
        "LaunchConfigurationName": "CLItutorial-launchconfig", "ImageId": ami, "SecurityGroups": [group],
        "InstanceType": "t2.micro",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvdcz", "Ebs": {"VolumeSize": 22, "VolumeType": "gp2",
                                                                      "DeleteOnTermination": True,
                                                                      "Encrypted": True}}],
        "InstanceMonitoring": {"Enabled": False}, "IamInstanceProfile": profile, "AssociatePublicIpAddress": True}))
    tutorial.write("CLItutorial-userdata.txt",
                   "#!/bin/bash\necho ECS_CLUSTER=CLItutorial-cluster >> /etc/ecs/ecs.config\n")
    tutorial.run("aws autoscaling create-launch-configuration --cli-input-json file://CLItutorial-launchconfig.json "
                 f"--user-data file://CLItutorial-userdata.txt {region}")
    configs = tutorial.json(f"aws autoscaling describe-launch-configurations --launch-configuration-names "
                            f"CLItutorial-launchconfig {region}")["LaunchConfigurations"]
    assert configs[0]["ImageId"] == ami
    tutorial.write("CLItutorial-asgconfig.json", json.dumps({
        "LaunchConfigurationName": "CLItutorial-launchconfig", "MinSize": 0, "MaxSize": 100, "DesiredCapacity": 0,
        "DefaultCooldown": 300, "AvailabilityZones": [subnet["AvailabilityZone"]], "HealthCheckType": "EC2",
        "HealthCheckGracePeriod": 300, "VPCZoneIdentifier": subnet["SubnetId"], "TerminationPolicies": ["DEFAULT"],
        "NewInstancesProtectedFromScaleIn": True}))
    tutorial.run("aws autoscaling create-auto-scaling-group --auto-scaling-group-name CLItutorial-asg "
                 f"--cli-input-json file://CLItutorial-asgconfig.json {region}")
    tutorial.run("aws autoscaling create-auto-scaling-group --auto-scaling-group-name CLItutorial-asg-burst "
                 f"--cli-input-json file://CLItutorial-asgconfig.json {region}")
    groups = tutorial.json("aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names CLItutorial-asg "
                           f"CLItutorial-asg-burst {region}")["AutoScalingGroups"]
    arns = {g["AutoScalingGroupName"]: g["AutoScalingGroupARN"] for g in groups}
    assert set(arns) == {"CLItutorial-asg", "CLItutorial-asg-burst"}

    # Step 2: the Amazon ECS resources
    tutorial.write("CLItutorial-capacityprovider.json",
                   provider("CLItutorial-capacityprovider", arns["CLItutorial-asg"]))
    tutorial.write("CLItutorial-capacityprovider-burst.json",
                   provider("CLItutorial-capacityprovider-burst", arns["CLItutorial-asg-burst"]))
    for name in ("CLItutorial-capacityprovider", "CLItutorial-capacityprovider-burst"):
        made = tutorial.json(f"aws ecs create-capacity-provider --cli-input-json file://{name}.json {region}")
        assert made["capacityProvider"]["status"] == "ACTIVE"
    cluster = tutorial.json(
        "aws ecs create-cluster --cluster-name CLItutorial-cluster --capacity-providers CLItutorial-capacityprovider "
        "CLItutorial-capacityprovider-burst --default-capacity-provider-strategy "
        "capacityProvider=CLItutorial-capacityprovider,weight=1 "
        f"capacityProvider=CLItutorial-capacityprovider-burst,weight=1 {region}")["cluster"]
    assert len(cluster["attachments"]) == 2

    # Before going on: the cluster ACTIVE, each attachment CREATED, the attachments' status UPDATE_COMPLETE
    described = tutorial.json(f"aws ecs describe-clusters --clusters CLItutorial-cluster --include ATTACHMENTS "
                              f"{region}")["clusters"][0]
    assert (described["status"], described["attachmentsStatus"]) == ("ACTIVE", "UPDATE_COMPLETE")
    policies = {}
    for attachment in described["attachments"]:
        assert (attachment["type"], attachment["status"]) == ("as_policy", "CREATED")
        details = {d["name"]: d["value"] for d in attachment["details"]}
        assert details["scalingPolicyName"].startswith("ECSManagedAutoScalingPolicy-")
        policies[details["capacityProviderName"]] = details["scalingPolicyName"]
    assert set(policies) == {"CLItutorial-capacityprovider", "CLItutorial-capacityprovider-burst"}
    plain = tutorial.json(f"aws ecs describe-clusters --clusters CLItutorial-cluster {region}")["clusters"][0]
    assert "attachments" not in plain

    # What ECS made on the group: the target tracking policy on CapacityProviderReservation, and its alarms
    made = tutorial.json(f"aws autoscaling describe-policies --auto-scaling-group-name CLItutorial-asg {region}")[
        "ScalingPolicies"]
    assert [p["PolicyName"] for p in made] == [policies["CLItutorial-capacityprovider"]]
    metric = made[0]["TargetTrackingConfiguration"]["CustomizedMetricSpecification"]
    assert (metric["MetricName"], metric["Namespace"]) == ("CapacityProviderReservation", "AWS/ECS/ManagedScaling")
    assert made[0]["TargetTrackingConfiguration"]["TargetValue"] == 100
    alarms = tutorial.json(f"aws cloudwatch describe-alarms --alarm-name-prefix TargetTracking-CLItutorial-asg- "
                           f"{region}")["MetricAlarms"]
    # (the prefix also finds CLItutorial-asg-burst's two)
    assert sorted(a["MetricName"] for a in alarms) == ["CapacityProviderReservation"] * 4
    by_provider = {}
    for alarm in alarms:
        dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
        assert dimensions["ClusterName"] == "CLItutorial-cluster"
        by_provider.setdefault(dimensions["CapacityProviderName"], set()).add(alarm["ComparisonOperator"])
    assert by_provider == {name: {"GreaterThanThreshold", "LessThanThreshold"} for name in policies}

    # Step 3: register a task definition
    tutorial.write("CLItutorial-taskdef.json", TASK_DEFINITION)
    registered = tutorial.json(f"aws ecs register-task-definition --cli-input-json file://CLItutorial-taskdef.json "
                               f"{region}")
    assert registered["taskDefinition"]["taskDefinitionArn"].endswith(":task-definition/CLItutorial-taskdef:1")

    # Step 4: run five tasks; each one has a capacity provider
    run = tutorial.json(f"aws ecs run-task --cluster CLItutorial-cluster --count 5 --task-definition "
                        f"CLItutorial-taskdef:1 {region}")
    assert run["failures"] == []
    assert sorted(t["capacityProviderName"] for t in run["tasks"]) == sorted(
        ["CLItutorial-capacityprovider"] * 3 + ["CLItutorial-capacityprovider-burst"] * 2)
    assert {t["lastStatus"] for t in run["tasks"]} == {"PROVISIONING"}

    # Step 5: verify: managed scaling grew both groups, the instances registered, the tasks run
    tutorial.advance(600)
    final = tutorial.json(f"aws ecs describe-clusters --clusters CLItutorial-cluster --include ATTACHMENTS "
                          f"{region}")["clusters"][0]
    assert final["registeredContainerInstancesCount"] >= 2
    assert final["runningTasksCount"] == 5
    sizes = tutorial.json("aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names CLItutorial-asg "
                          f"CLItutorial-asg-burst {region}")["AutoScalingGroups"]
    assert all(g["DesiredCapacity"] >= 1 for g in sizes)

    # Step 6: clean up, starting with the cluster's providers: their policies and alarms go with them
    tutorial.run(f"aws ecs put-cluster-capacity-providers --cluster CLItutorial-cluster --capacity-providers [] "
                 f"--default-capacity-provider-strategy [] {region}")
    assert tutorial.json(f"aws autoscaling describe-policies --auto-scaling-group-name CLItutorial-asg {region}")[
        "ScalingPolicies"] == []
    assert tutorial.json(f"aws cloudwatch describe-alarms --alarm-name-prefix TargetTracking-CLItutorial-asg- "
                         f"{region}")["MetricAlarms"] == []
