"""ECS fails as AWS does, over HTTP with boto3: the route out, the agent, images, the container's process, health
checks, and deployments with the circuit breaker. Each failure is then fixed and the service reaches a steady state."""

from __future__ import annotations

import json
import time

import pytest

LOGS = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1",
                                           "awslogs-stream-prefix": "web"}}


def private_subnet(sim, net, cidr="10.0.9.0/24"):
    """A subnet with its own route table and no route out."""
    subnet = sim.ec2.create_subnet(VpcId=net["vpc"], CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"]
    table = sim.ec2.create_route_table(VpcId=net["vpc"])["RouteTable"]["RouteTableId"]
    sim.ec2.associate_route_table(RouteTableId=table, SubnetId=subnet["SubnetId"])
    return subnet["SubnetId"], table


def nat_gateway(sim, net):
    allocation = sim.ec2.allocate_address(Domain="vpc")["AllocationId"]
    return sim.ec2.create_nat_gateway(SubnetId=net["subnets"][0]["SubnetId"],
                                      AllocationId=allocation)["NatGateway"]["NatGatewayId"]


def fargate_service(sim, subnets, name="web", public_ip="DISABLED", desired=2, groups=(), **extra):
    sim.ecs.create_service(
        cluster="lab", serviceName=name, taskDefinition=extra.pop("taskDefinition", "web"), desiredCount=desired,
        launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
            "subnets": subnets, "assignPublicIp": public_ip, "securityGroups": list(groups)}}, **extra)


def stopped(sim, **filters):
    return sim.tasks("lab", desiredStatus="STOPPED", **filters)


def failed_tasks(sim, count=1):
    sim.advance(60)
    return sim.wait(lambda: (found := [t for t in stopped(sim) if t["lastStatus"] == "STOPPED"])
                    and len(found) >= count and found)


def reaches_running(sim, task):
    sim.advance(60)
    assert sim.wait(lambda: sim.ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"][0][
        "lastStatus"] == "RUNNING")


def events(sim, name="web"):
    return [e["message"] for e in sim.service("lab", name)["events"]]


@pytest.fixture
def lab(sim):
    sim.ecs.create_cluster(clusterName="lab")
    return sim


# --- 1. the route out --------------------------------------------------------------------------------------------


def test_a_private_subnet_without_a_route_fails_the_tasks_then_a_nat_gateway_fixes_them(lab):
    sim = lab
    net = sim.network()
    subnet, table = private_subnet(sim, net)
    sim.fargate_task_definition(containers=[{"name": "web", "image": "nginx:1.27",
                                                       "logConfiguration": LOGS}])
    fargate_service(sim, [subnet])
    task = failed_tasks(sim)[0]
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("ResourceInitializationError: failed to validate logger args: ")
    assert "There is a connection issue between the task and Amazon CloudWatch." in task["stoppedReason"]
    assert "startedAt" not in task  # it never reached RUNNING
    sim.advance(600)
    assert any("is unable to consistently start tasks successfully" in m for m in events(sim))
    assert sim.service("lab", "web")["runningCount"] == 0

    sim.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_gateway(sim, net))
    sim.advance(1200)
    sim.stable("lab", "web")


def test_without_logs_a_public_image_fails_to_pull_through_no_route(lab):
    sim = lab
    net = sim.network()
    subnet, _ = private_subnet(sim, net)
    sim.fargate_task_definition()
    task = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration={
        "awsvpcConfiguration": {"subnets": [subnet]}})["tasks"][0]
    done = failed_tasks(sim)[0]
    assert done["taskArn"] == task["taskArn"]
    assert done["stoppedReason"].startswith(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
        "docker.io/library/nginx:1.27: failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/"
        "manifests/1.27\": dial tcp ")
    assert done["containers"][0]["reason"] == done["stoppedReason"]


def test_a_nat_gateway_that_is_not_yet_available_is_no_route(lab):
    sim = lab
    net = sim.network()
    subnet, table = private_subnet(sim, net)
    sim.fargate_task_definition()
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    with sim.paused():  # the gateway's 60 simulated seconds are 0.3 s of a busy machine at this scale
        nat = nat_gateway(sim, net)
        assert sim.ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "pending"
        sim.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration=network)
        sim.advance(25)  # the task leaves PENDING before the gateway is available
        assert sim.ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "pending"
        failed = sim.wait(lambda: sim.advance(1) and [t for t in stopped(sim) if t["lastStatus"] == "STOPPED"])
        assert failed[0]["stopCode"] == "TaskFailedToStart"
    sim.advance(60)
    assert sim.ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"] == "available"

    later = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                             networkConfiguration=network)["tasks"][0]
    reaches_running(sim, later)


def test_a_public_subnet_needs_a_public_ip_and_the_eni_shows_it(lab):
    sim = lab
    net = sim.network()
    subnets = [s["SubnetId"] for s in net["subnets"]]
    sim.fargate_task_definition()
    fargate_service(sim, subnets, public_ip="DISABLED", desired=1)
    assert failed_tasks(sim)[0]["stopCode"] == "TaskFailedToStart"

    sim.ecs.delete_service(cluster="lab", service="web", force=True)
    fargate_service(sim, subnets, name="web-publico", public_ip="ENABLED", desired=1)
    sim.stable("lab", "web-publico", timeout=30)
    task = sim.tasks("lab", serviceName="web-publico")[0]
    eni = next(d["value"] for d in task["attachments"][0]["details"] if d["name"] == "networkInterfaceId")
    association = sim.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["Association"]
    assert association["PublicIp"].count(".") == 3


def test_the_default_vpc_routes_to_an_internet_gateway(sim):
    vpc = sim.ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    gateway = sim.ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])
    (igw,) = [g["InternetGatewayId"] for g in gateway["InternetGateways"]]
    main = sim.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                  {"Name": "association.main", "Values": ["true"]}])
    assert {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw} in [
        {k: r.get(k) for k in ("DestinationCidrBlock", "GatewayId")} for r in main["RouteTables"][0]["Routes"]]
    assert all(s["MapPublicIpOnLaunch"] for s in sim.ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"])


def test_vpc_endpoints_are_a_route_out_but_a_missing_ecr_dkr_endpoint_fails_the_pull(lab):
    sim = lab
    net = sim.network()
    subnet, table = private_subnet(sim, net)
    sim.ecr.create_repository(repositoryName="web")
    sim.fargate_task_definition(image=sim.push_image("web", "v1"), executionRoleArn=sim.execution_role())
    for service in ("ecr.api", "logs"):
        sim.ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName=f"com.amazonaws.us-east-1.{service}",
                                    VpcEndpointType="Interface", SubnetIds=[subnet], PrivateDnsEnabled=True)
    sim.ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName="com.amazonaws.us-east-1.s3",
                                VpcEndpointType="Gateway", RouteTableIds=[table])
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration=network)
    failed = failed_tasks(sim)[0]
    assert failed["stoppedReason"].startswith("CannotPullContainerError: ")
    assert "i/o timeout" in failed["stoppedReason"]

    sim.ec2.create_vpc_endpoint(VpcId=net["vpc"], ServiceName="com.amazonaws.us-east-1.ecr.dkr",
                                VpcEndpointType="Interface", SubnetIds=[subnet], PrivateDnsEnabled=True)
    task = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                            networkConfiguration=network)["tasks"][0]
    reaches_running(sim, task)


def test_security_groups_without_https_egress_fail_the_task(lab):
    sim = lab
    net = sim.network()
    sim.ec2.revoke_security_group_egress(GroupId=net["security_group"], IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    sim.fargate_task_definition()
    sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration=net["awsvpc"])
    assert failed_tasks(sim)[0]["stoppedReason"].startswith("CannotPullContainerError: ")


# --- 2. the agent ------------------------------------------------------------------------------------------------


def test_an_instance_without_a_route_never_registers_until_a_nat_route_exists(lab):
    sim = lab
    net = sim.network()
    subnet, table = private_subnet(sim, net)
    sim.launch_instances("lab", subnet=subnet)
    sim.advance(300)
    assert sim.container_instances("lab") == []
    assert sim.ec2.describe_instances()["Reservations"][-1]["Instances"][0]["State"]["Name"] == "running"

    sim.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_gateway(sim, net))
    sim.advance(60)
    assert sim.registered("lab", 1)


# --- 3. images ---------------------------------------------------------------------------------------------------


def test_a_missing_ecr_tag_stops_the_task_until_the_image_is_pushed(lab):
    sim = lab
    net = sim.network()
    repo = sim.ecr.create_repository(repositoryName="web")["repository"]["repositoryUri"]
    sim.fargate_task_definition(image=f"{repo}:v2", executionRoleArn=sim.execution_role())
    run = {"cluster": "lab", "taskDefinition": "web", "launchType": "FARGATE", "networkConfiguration": net["awsvpc"]}
    sim.ecs.run_task(**run)
    failed = failed_tasks(sim)[0]
    assert failed["stopCode"] == "TaskFailedToStart"
    assert failed["stoppedReason"] == (f"CannotPullContainerError: pull image manifest has been retried 5 time(s): "
                                       f"failed to resolve ref {repo}:v2: {repo}:v2: not found")

    sim.push_image("web", "v2")
    task = sim.ecs.run_task(**run)["tasks"][0]
    reaches_running(sim, task)


def test_an_execution_role_without_ecr_permissions_is_denied(lab):
    sim = lab
    net = sim.network()
    sim.ecr.create_repository(repositoryName="web")
    image = sim.push_image("web", "v1")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
    name = f"sem-ecr-{time.monotonic_ns()}"  # IAM outlives a reset
    role = sim.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    sim.fargate_task_definition(image=image, executionRoleArn=role)
    sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE", networkConfiguration=net["awsvpc"])
    reason = failed_tasks(sim)[0]["stoppedReason"]
    assert reason.startswith("ResourceInitializationError: unable to pull secrets or registry auth: ")
    assert "is not authorized to perform: ecr:GetAuthorizationToken" in reason

    sim.iam.put_role_policy(RoleName=name, PolicyName="ecr", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}))
    task = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                            networkConfiguration=net["awsvpc"])["tasks"][0]
    reaches_running(sim, task)


# --- 4. the container's process ----------------------------------------------------------------------------------


def test_a_batch_job_sleeps_then_exits_on_its_own(lab):
    sim = lab
    net = sim.network()
    sim.fargate_task_definition(containers=[{"name": "job", "image": "busybox",
                                                       "command": ["sh", "-c", "sleep 30; exit 0"]}])
    with sim.paused():  # 30 simulated seconds of sleep are 0.15 s of a busy machine at this scale
        task = sim.ecs.run_task(cluster="lab", taskDefinition="web", launchType="FARGATE",
                                networkConfiguration=net["awsvpc"])["tasks"][0]
        sim.advance(40)
        described = sim.wait(lambda: (t := sim.ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])
                                      ["tasks"][0])["lastStatus"] == "RUNNING" and t)
        assert described["containers"][0]["lastStatus"] == "RUNNING"
        sim.advance(30)
        done = sim.wait(lambda: (t := sim.ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"][0])
                        ["lastStatus"] == "STOPPED" and t, advance=5)
    assert done["stopCode"] == "EssentialContainerExited"
    assert done["stoppedReason"] == "Essential container in task exited"
    assert done["containers"][0]["exitCode"] == 0


def test_a_container_that_exits_at_once_never_runs_and_the_service_replaces_it(lab):
    sim = lab
    net = sim.network()
    sim.fargate_task_definition(containers=[{"name": "web", "image": "nginx",
                                                       "entryPoint": ["sh", "-c"], "command": ["exit 1"]}])
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=1)
    failed = failed_tasks(sim, 2)
    assert {t["stopCode"] for t in failed} == {"EssentialContainerExited"}
    assert {t["containers"][0]["exitCode"] for t in failed} == {1}
    assert all("startedAt" not in t for t in failed)


def test_a_failing_container_health_check_stops_a_service_task(lab):
    sim = lab
    net = sim.network()
    check = {"command": ["CMD-SHELL", "curl -f http://localhost/saude || exit 1"], "interval": 10, "retries": 3}
    sim.fargate_task_definition(containers=[{"name": "web", "image": "nginx", "healthCheck": check,
                                                       "portMappings": [{"containerPort": 80}]}])
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=1)
    sim.advance(35)
    sim.advance(35)
    failed = sim.wait(lambda: [t for t in stopped(sim) if t["lastStatus"] == "STOPPED"])[0]
    assert failed["stoppedReason"] == "Task failed container health checks"
    assert failed["healthStatus"] == "UNHEALTHY"
    assert f"(service web) (task {failed['taskArn'].split('/')[-1]}) failed container health checks." in events(sim)

    good = dict(check, command=["CMD-SHELL", "curl -f http://localhost/ || exit 1"])
    sim.fargate_task_definition(containers=[{"name": "web", "image": "nginx", "healthCheck": good,
                                                       "portMappings": [{"containerPort": 80}]}])
    sim.ecs.update_service(cluster="lab", service="web", taskDefinition="web")
    sim.advance(120)
    sim.stable("lab", "web")
    task = sim.tasks("lab", serviceName="web")[0]
    assert sim.wait(lambda: sim.ecs.describe_tasks(cluster="lab", tasks=[task["taskArn"]])["tasks"][0][
        "healthStatus"] == "HEALTHY")


# --- 5. load balancer health -------------------------------------------------------------------------------------


def load_balancer(sim, net, path="/"):
    balancer_group = sim.ec2.create_security_group(GroupName="alb", Description="alb", VpcId=net["vpc"])["GroupId"]
    balancer = sim.elbv2.create_load_balancer(Name="alb", Subnets=[s["SubnetId"] for s in net["subnets"]],
                                              SecurityGroups=[balancer_group])["LoadBalancers"][0]
    group = sim.elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=net["vpc"], TargetType="ip",
                                          HealthCheckPath=path, HealthCheckIntervalSeconds=10,
                                          HealthyThresholdCount=2, UnhealthyThresholdCount=2)
    arn = group["TargetGroups"][0]["TargetGroupArn"]
    sim.elbv2.create_listener(LoadBalancerArn=balancer["LoadBalancerArn"], Protocol="HTTP", Port=80,
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": arn}])
    return arn, balancer_group


def health(sim, arn):
    return [t["TargetHealth"] for t in sim.elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]]


def test_a_health_check_path_the_application_does_not_serve_fails_the_targets_then_a_fix_heals_them(lab):
    sim = lab
    net = sim.network()
    arn, balancer_group = load_balancer(sim, net, path="/saude")
    sim.ec2.authorize_security_group_ingress(GroupId=net["security_group"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "UserIdGroupPairs": [{"GroupId": balancer_group}]}])
    sim.fargate_task_definition()
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=1,
                    groups=[net["security_group"]], healthCheckGracePeriodSeconds=30,
                    loadBalancers=[{"targetGroupArn": arn, "containerName": "web", "containerPort": 80}])
    sim.advance(35)
    assert sim.wait(lambda: [h["State"] for h in health(sim, arn)] == ["initial"])
    sim.advance(25)
    (seen,) = sim.wait(lambda: [h for h in health(sim, arn) if h["State"] == "unhealthy"])
    assert seen["Reason"] == "Target.ResponseCodeMismatch"
    assert seen["Description"] == "Health checks failed with these codes: [404]"
    sim.advance(30)
    failed = sim.wait(lambda: [t for t in stopped(sim)])[0]
    assert failed["stoppedReason"] == f"Task failed ELB health checks in (target-group {arn})"
    assert failed["stopCode"] == "ServiceSchedulerInitiated"
    task_id = failed["taskArn"].split("/")[-1]
    assert (f"(service web) (task {task_id}) (port 80) is unhealthy in (target-group {arn}) due to (reason Health "
            "checks failed with these codes: [404]).") in events(sim)

    sim.elbv2.modify_target_group(TargetGroupArn=arn, HealthCheckPath="/")
    sim.advance(120)
    sim.stable("lab", "web")
    assert sim.wait(lambda: [h["State"] for h in health(sim, arn)] == ["healthy"])


def test_a_task_security_group_that_does_not_let_the_load_balancer_in_times_out(lab):
    sim = lab
    net = sim.network()
    arn, _ = load_balancer(sim, net)
    sim.fargate_task_definition()
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=1,
                    loadBalancers=[{"targetGroupArn": arn, "containerName": "web", "containerPort": 80}])
    sim.advance(60)
    (seen,) = sim.wait(lambda: [h for h in health(sim, arn) if h["State"] == "unhealthy"])
    assert (seen["Reason"], seen["Description"]) == ("Target.Timeout", "Request timed out")


# --- 6. deployments ----------------------------------------------------------------------------------------------

BREAKER = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "minimumHealthyPercent": 100,
           "maximumPercent": 200}


def crashing_revision(sim):
    return sim.fargate_task_definition(containers=[{"name": "web", "image": "nginx",
                                                              "command": ["sh", "-c", "exit 1"]}])


def test_the_circuit_breaker_fails_a_crashing_deployment_and_rolls_back(lab):
    sim = lab
    net = sim.network()
    good = sim.fargate_task_definition()
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=2,
                    deploymentConfiguration=BREAKER)
    first = sim.stable("lab", "web")["deployments"][0]["id"]
    bad = crashing_revision(sim)
    sim.ecs.update_service(cluster="lab", service="web", taskDefinition=bad)
    sim.advance(600)
    service = sim.stable("lab", "web")
    assert service["taskDefinition"] == good
    listed = sim.ecs.list_service_deployments(cluster="lab", service="web")["serviceDeployments"]
    assert [d["status"] for d in listed] == ["ROLLBACK_SUCCESSFUL", "STOPPED", "SUCCESSFUL"]
    assert listed[1]["statusReason"] == "ECS deployment circuit breaker: tasks failed to start."
    failed_id = "ecs-svc/" + listed[1]["serviceDeploymentArn"].split("/")[-1]
    messages = events(sim)
    assert f"(service web) (deployment {failed_id}) deployment failed: tasks failed to start." in messages
    assert f"(service web) rolling back to deployment {first}." in messages


def test_a_rollback_that_fails_too_stays_failed(lab):
    sim = lab
    net = sim.network()
    subnet, table = private_subnet(sim, net)
    nat = nat_gateway(sim, net)
    sim.advance(60)
    sim.ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    sim.fargate_task_definition()
    fargate_service(sim, [subnet], desired=2, deploymentConfiguration=BREAKER)
    sim.stable("lab", "web")
    sim.ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")  # now nothing can start
    sim.ecs.update_service(cluster="lab", service="web", taskDefinition=crashing_revision(sim))
    sim.advance(3600)
    deployments = sim.wait(lambda: (d := sim.service("lab", "web")["deployments"])[0]["rolloutState"] == "FAILED"
                           and d)
    assert deployments[0]["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    listed = sim.ecs.list_service_deployments(cluster="lab", service="web")["serviceDeployments"]
    assert listed[0]["status"] == "ROLLBACK_FAILED"
    assert sim.service("lab", "web")["runningCount"] == 2  # the old tasks were never replaced


def test_without_the_circuit_breaker_a_crashing_deployment_keeps_retrying_slower(lab):
    sim = lab
    net = sim.network()
    sim.fargate_task_definition()
    fargate_service(sim, net["awsvpc"]["awsvpcConfiguration"]["subnets"], public_ip="ENABLED", desired=1)
    sim.stable("lab", "web")
    sim.ecs.update_service(cluster="lab", service="web", taskDefinition=crashing_revision(sim))
    sim.advance(1800)
    service = sim.wait(lambda: (s := sim.service("lab", "web"))["deployments"][0]["failedTasks"] >= 3 and s)
    assert service["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert service["runningCount"] == 1  # the old task keeps serving
    # the throttle: half an hour of retries is a handful of tasks, not one every few seconds
    assert service["deployments"][0]["failedTasks"] < 15
