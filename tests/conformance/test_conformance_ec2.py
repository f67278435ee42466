"""AWS's tutorial "Creating an Amazon ECS task for the EC2 launch type with the AWS CLI", step by step."""

from __future__ import annotations

NGINX_TASK = """{
    "family": "nginx-task",
    "containerDefinitions": [
        {
            "name": "nginx",
            "image": "public.ecr.aws/docker/library/nginx:latest",
            "cpu": 256,
            "memory": 512,
            "essential": true,
            "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}]
        }
    ],
    "requiresCompatibilities": ["EC2"],
    "networkMode": "bridge"
}"""

ECS_INSTANCE_ROLE_TRUST = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                           '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}')


def test_ec2_task_tutorial(tutorial):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ECS_AWSCLI_EC2.html

    The prerequisite container instance role (ecsInstanceRole, with its instance profile) is made first; the
    commands after it are the tutorial's, the AMI read from the SSM parameter through jq as the tutorial does.
    """
    tutorial.run("aws iam create-role --role-name ecsInstanceRole "
                 f"--assume-role-policy-document '{ECS_INSTANCE_ROLE_TRUST}'"
                 " && aws iam create-instance-profile --instance-profile-name ecsInstanceRole"
                 " && aws iam add-role-to-instance-profile --instance-profile-name ecsInstanceRole"
                 " --role-name ecsInstanceRole")
    identity = tutorial.json("aws sts get-caller-identity")
    assert identity["Account"].isdigit()
    assert tutorial.run("aws ec2 describe-vpcs --filters \"Name=is-default,Values=true\" "
                        "--query 'Vpcs[0].VpcId' --output text").startswith("vpc-")

    # Create an ECS cluster
    assert tutorial.json("aws ecs create-cluster --cluster-name MyCluster")["cluster"]["status"] == "ACTIVE"
    clusters = tutorial.json("aws ecs list-clusters")["clusterArns"]
    assert any(arn.endswith(":cluster/MyCluster") for arn in clusters)

    # Launch a container instance: the ECS-optimized AMI's id from its JSON parameter, through jq
    ami = tutorial.run("aws ssm get-parameters --names /aws/service/ecs/optimized-ami/amazon-linux-2/recommended "
                       "--query 'Parameters[0].Value' --output text | jq -r '.image_id'").strip()
    assert ami.startswith("ami-")
    group = tutorial.json('aws ec2 create-security-group --group-name ecs-tutorial-sg '
                          '--description "ECS tutorial security group"')["GroupId"]
    rules = tutorial.json(f"aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port 80 "
                          "--cidr 0.0.0.0/0")
    assert rules["Return"] is True
    tutorial.run("aws ec2 create-key-pair --key-name ecs-tutorial-key --query 'KeyMaterial' --output text "
                 "> ecs-tutorial-key.pem && chmod 400 ecs-tutorial-key.pem")
    launched = tutorial.json(
        f"aws ec2 run-instances --image-id {ami} --instance-type t3.micro --key-name ecs-tutorial-key "
        f"--security-group-ids {group} --iam-instance-profile Name=ecsInstanceRole --user-data '#!/bin/bash\n"
        "echo ECS_CLUSTER=MyCluster >> /etc/ecs/ecs.config'")["Instances"][0]
    assert (launched["ImageId"], launched["InstanceType"]) == (ami, "t3.micro")

    # After a few minutes, the instance has registered with the cluster
    tutorial.advance(300)
    instances = tutorial.json("aws ecs list-container-instances --cluster MyCluster")["containerInstanceArns"]
    assert len(instances) == 1
    instance_id = instances[0].rsplit("/", 1)[-1]
    described = tutorial.json(f"aws ecs describe-container-instances --cluster MyCluster "
                              f"--container-instances {instance_id}")["containerInstances"][0]
    assert (described["ec2InstanceId"], described["status"], described["agentConnected"]) == (
        launched["InstanceId"], "ACTIVE", True)
    assert {r["name"] for r in described["registeredResources"]} >= {"CPU", "MEMORY"}

    # Register a task definition
    tutorial.write("nginx-task.json", NGINX_TASK)
    registered = tutorial.json("aws ecs register-task-definition --cli-input-json file://nginx-task.json")
    assert registered["taskDefinition"]["taskDefinitionArn"].endswith(":task-definition/nginx-task:1")
    listed = tutorial.json("aws ecs list-task-definitions")["taskDefinitionArns"]
    assert [arn.rsplit("/", 1)[-1] for arn in listed] == ["nginx-task:1"]

    # Create and monitor a service
    created = tutorial.json("aws ecs create-service --cluster MyCluster --service-name nginx-service "
                            "--task-definition nginx-task:1 --desired-count 1")["service"]
    assert (created["launchType"], created["desiredCount"]) == ("EC2", 1)
    services = tutorial.json("aws ecs list-services --cluster MyCluster")["serviceArns"]
    assert [arn.rsplit("/", 1)[-1] for arn in services] == ["nginx-service"]
    tutorial.advance(60)
    service = tutorial.json("aws ecs describe-services --cluster MyCluster --services nginx-service")["services"][0]
    assert (service["runningCount"], service["status"]) == (1, "ACTIVE")
    assert any("has started 1 tasks" in event["message"] for event in service["events"])
    tasks = tutorial.json("aws ecs list-tasks --cluster MyCluster --service-name nginx-service")["taskArns"]
    assert len(tasks) == 1
    task = tutorial.json(f"aws ecs describe-tasks --cluster MyCluster --tasks {tasks[0].rsplit('/', 1)[-1]}")[
        "tasks"][0]
    assert (task["lastStatus"], task["containerInstanceArn"]) == ("RUNNING", instances[0])
    assert task["containers"][0]["networkBindings"][0]["hostPort"] == 80

    # Clean up
    tutorial.run("aws ecs update-service --cluster MyCluster --service nginx-service --desired-count 0")
    tutorial.run("aws ecs delete-service --cluster MyCluster --service nginx-service")
    tutorial.advance(120)
    tutorial.run(f"aws ec2 terminate-instances --instance-ids {launched['InstanceId']}")
    tutorial.advance(120)
    assert tutorial.json("aws ecs delete-cluster --cluster MyCluster")["cluster"]["status"] == "INACTIVE"
