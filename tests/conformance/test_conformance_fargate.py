"""AWS's tutorial "Creating an Amazon ECS Linux task for the Fargate launch type with the AWS CLI", step by step."""

from __future__ import annotations

import ipaddress
import json

PAGE = ("<html> <head> <title>Amazon ECS Sample App</title> </head><body> <h1>Amazon ECS Sample App</h1> "
        "<h2>Congratulations!</h2> </body></html>")
TASK_DEFINITION = json.dumps({
    "family": "sample-fargate",
    "networkMode": "awsvpc",
    "containerDefinitions": [{
        "name": "fargate-app",
        "image": "public.ecr.aws/docker/library/httpd:latest",
        "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
        "essential": True,
        "entryPoint": ["sh", "-c"],
        "command": [f"/bin/sh -c \"echo '{PAGE}' >  /usr/local/apache2/htdocs/index.html && httpd-foreground\""],
    }],
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
}, indent=4)


def test_fargate_linux_task_tutorial(tutorial):
    """https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ECS_AWSCLI_Fargate.html

    The prerequisite (a VPC with a public subnet and a security group) is the default VPC; the task gets a public IP
    (the tutorial's public-subnet variant), read from its ENI in step 7.
    """
    subnet = tutorial.run("aws ec2 describe-subnets --filters Name=default-for-az,Values=true "
                          "--query 'Subnets[0].SubnetId' --output text").strip()
    group = tutorial.run("aws ec2 describe-security-groups --filters Name=group-name,Values=default "
                         "--query 'SecurityGroups[0].GroupId' --output text").strip()

    # Step 1: create a cluster
    cluster = tutorial.json("aws ecs create-cluster --cluster-name fargate-cluster")["cluster"]
    assert (cluster["clusterName"], cluster["status"]) == ("fargate-cluster", "ACTIVE")

    # Step 2: register a Linux task definition
    tutorial.write("tasks/fargate-task.json", TASK_DEFINITION)
    registered = tutorial.json("aws ecs register-task-definition --cli-input-json file://$HOME/tasks/fargate-task.json")
    assert registered["taskDefinition"]["taskDefinitionArn"].endswith(":task-definition/sample-fargate:1")

    # Step 3: list task definitions
    listed = tutorial.json("aws ecs list-task-definitions")["taskDefinitionArns"]
    assert [arn.rsplit("/", 1)[-1] for arn in listed] == ["sample-fargate:1"]

    # Step 4: create a service (public subnet, public IP)
    created = tutorial.json(
        'aws ecs create-service --cluster fargate-cluster --service-name fargate-service '
        '--task-definition sample-fargate:1 --desired-count 1 --launch-type "FARGATE" '
        f'--network-configuration "awsvpcConfiguration={{subnets=[{subnet}],securityGroups=[{group}],'
        'assignPublicIp=ENABLED}"')["service"]
    assert created["serviceName"] == "fargate-service" and created["launchType"] == "FARGATE"

    # Step 5: list services
    services = tutorial.json("aws ecs list-services --cluster fargate-cluster")["serviceArns"]
    assert [arn.rsplit("/", 1)[-1] for arn in services] == ["fargate-service"]

    # Step 6: describe the running service (once its task had the time to start)
    tutorial.advance(120)
    service = tutorial.json("aws ecs describe-services --cluster fargate-cluster --services fargate-service")
    assert service["failures"] == []
    assert (service["services"][0]["runningCount"], service["services"][0]["desiredCount"]) == (1, 1)
    assert service["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "ENABLED"

    # Step 7: test: the task's ENI, then its public IP
    task = tutorial.run("aws ecs list-tasks --cluster fargate-cluster --query 'taskArns[0]' --output text").strip()
    described = tutorial.json(f"aws ecs describe-tasks --cluster fargate-cluster --tasks {task}")["tasks"][0]
    assert described["lastStatus"] == "RUNNING"
    attachment = described["attachments"][0]
    assert (attachment["type"], attachment["status"]) == ("ElasticNetworkInterface", "ATTACHED")
    eni = next(d["value"] for d in attachment["details"] if d["name"] == "networkInterfaceId")
    association = tutorial.json(f"aws ec2 describe-network-interfaces --network-interface-id {eni}")[
        "NetworkInterfaces"][0]["Association"]
    assert ipaddress.ip_address(association["PublicIp"]).is_global
    assert association["PublicDnsName"]

    # Step 8: clean up
    deleted = tutorial.json("aws ecs delete-service --cluster fargate-cluster --service fargate-service --force")
    assert deleted["service"]["status"] == "DRAINING"
    tutorial.advance(120)
    assert tutorial.json("aws ecs delete-cluster --cluster fargate-cluster")["cluster"]["status"] == "INACTIVE"
