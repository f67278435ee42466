"""moto answers the emulator corrects for a class: launch templates past 15, EC2 tags read per resource, instance
profiles listed under a path."""

from __future__ import annotations


def test_launch_templates_page_past_fifteen(sim):
    names = [f"pag-{i:02d}" for i in range(23)]
    for name in names:
        sim.ec2.create_launch_template(
            LaunchTemplateName=name, LaunchTemplateData={"InstanceType": "t3.micro"},
            TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "ecslab:aluno", "Value": name}]}])
    every = [t["LaunchTemplateName"] for page in sim.ec2.get_paginator("describe_launch_templates").paginate()
             for t in page["LaunchTemplates"]]
    assert sorted(n for n in every if n.startswith("pag-")) == names
    first = sim.ec2.describe_launch_templates(MaxResults=10)
    assert len(first["LaunchTemplates"]) == 10 and first["NextToken"]
    tagged = sim.ec2.describe_launch_templates(Filters=[{"Name": "tag-key", "Values": ["ecslab:aluno"]}])
    assert len([t for t in tagged["LaunchTemplates"] if t["LaunchTemplateName"].startswith("pag-")]) == 23
    assert "NextToken" not in tagged


def test_tags_by_resource_id_exact_and_by_pattern(sim):
    vpcs = [sim.ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(3)]
    for i, vpc in enumerate(vpcs):
        tags = [{"Key": "n", "Value": str(i)}, {"Key": "ecslab:aluno", "Value": "x"}]
        sim.ec2.create_tags(Resources=[vpc], Tags=tags)
    exact = sim.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpcs[1]]}])["Tags"]
    assert sorted((t["Key"], t["Value"], t["ResourceType"]) for t in exact) == [("ecslab:aluno", "x", "vpc"),
                                                                                 ("n", "1", "vpc")]
    pattern = sim.ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpcs[2][:-2] + "*"]}])["Tags"]
    assert ("n", "2") in {(t["Key"], t["Value"]) for t in pattern}
    found = sim.ec2.describe_vpcs(Filters=[{"Name": "tag:n", "Values": ["2"]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpcs[2]]
    assert {t["Key"] for t in found[0]["Tags"]} == {"n", "ecslab:aluno"}


def test_serializer_alias_cache_answers_what_moto_computes():
    """The cached alias list is moto's own, per object class, member, shape and parent structure."""
    import inspect

    from moto.core.serialize import AttributePickerContext, XFormedAttributePicker
    from moto.core.utils import get_service_model

    from ecslab.emulator import speedups

    speedups.named("serializer").install()
    picker = XFormedAttributePicker()
    original = inspect.unwrap(XFormedAttributePicker.get_possible_keys)
    group = get_service_model("autoscaling").shape_for("AutoScalingGroup")
    instance = get_service_model("autoscaling").shape_for("Instance")

    class AutoScalingGroup:  # a class named like the shape: ClassPrefixAlias offers short names
        pass

    class Other:
        pass

    seen = set()
    for parent in (group, instance):
        for key, shape in parent.members.items():
            shape.parent = parent
            for obj in (AutoScalingGroup(), Other(), {}):
                context = AttributePickerContext(obj=obj, key=key, shape=shape)
                expected = list(original(picker, context))
                for _ in range(2):  # computed, then from the cache
                    assert list(picker.get_possible_keys(context)) == expected
                seen.add(tuple(expected))
    assert ("AutoScalingGroupName", "auto_scaling_group_name", "Name", "name") in seen  # the class-prefix alias


def test_response_method_names_cached_per_class():
    import moto.core.responses as moto_responses
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.ecs.responses import EC2ContainerServiceResponse

    from ecslab.emulator import speedups

    speedups.named("request_routing").install()
    names = moto_responses.method_names_from_class(AutoScalingResponse)
    assert "describe_auto_scaling_groups" in names and "run_task" not in names
    assert moto_responses.method_names_from_class(AutoScalingResponse) is names
    assert "run_task" in moto_responses.method_names_from_class(EC2ContainerServiceResponse)


def test_nat_gateways_filtered_by_tag(sim):
    vpc = sim.ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = sim.ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    owners = {}
    for who in ("ana", "bia"):
        eip = sim.ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = sim.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip, TagSpecifications=[
            {"ResourceType": "natgateway", "Tags": [{"Key": "ecslab:aluno", "Value": who}]}])["NatGateway"]
        owners[who] = nat["NatGatewayId"]

    def ids(filters):
        return {n["NatGatewayId"] for n in sim.ec2.describe_nat_gateways(Filter=filters)["NatGateways"]}

    assert ids([{"Name": "tag:ecslab:aluno", "Values": ["ana"]}]) == {owners["ana"]}
    assert ids([{"Name": "tag-value", "Values": ["bia"]}]) == {owners["bia"]}
    every = ids([{"Name": "tag-key", "Values": ["ecslab:aluno"]}, {"Name": "vpc-id", "Values": [vpc]}])
    assert every == set(owners.values())
    assert ids([{"Name": "tag:ecslab:aluno", "Values": ["caio"]}]) == set()


def test_plain_tag_filters_answer_as_moto_does(sim):
    """Exact values read from the tag table; wildcards still go through moto's patterns."""
    vpc = sim.ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    made = {}
    for who in ("aluno1", "aluno10", "a.b"):
        made[who] = sim.ec2.create_security_group(
            GroupName=f"sg-{who}", Description="x", VpcId=vpc,
            TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "ecslab:aluno", "Value": who}]}],
        )["GroupId"]

    def groups(*values):
        found = sim.ec2.describe_security_groups(Filters=[{"Name": "tag:ecslab:aluno", "Values": list(values)},
                                                          {"Name": "vpc-id", "Values": [vpc]}])
        return {g["GroupId"] for g in found["SecurityGroups"]}

    assert groups("aluno1") == {made["aluno1"]}  # not aluno10
    assert groups("aluno1", "a.b") == {made["aluno1"], made["a.b"]}
    assert groups("axb") == set()  # a dot is a dot
    assert groups("aluno1*") == {made["aluno1"], made["aluno10"]}  # moto's wildcard, as on AWS
    subnets = sim.ec2.describe_subnets(Filters=[{"Name": "tag:ecslab:aluno", "Values": ["aluno1"]},
                                                {"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert subnets == []


def test_value_picker_applies_the_transformer_of_the_path():
    import inspect

    from moto.core.serialize import AttributePicker, AttributePickerContext, XFormedAttributePicker
    from moto.core.utils import get_service_model

    from ecslab.emulator import speedups

    speedups.named("serializer").install()
    original = inspect.unwrap(AttributePicker.__call__)
    role = get_service_model("iam").shape_for("Role")
    transformers = {"Role.RoleName": str.upper, "Description": lambda value: f"<{value}>"}
    pickers = [XFormedAttributePicker(response_transformers=transformers), XFormedAttributePicker()]
    obj = {"RoleName": "papel", "Description": "texto", "Path": "/"}
    answers = []
    for picker in pickers:
        for key_path in ("ListRoles.Roles.Role", "GetRole.Role", "Other"):
            for key in ("RoleName", "Description", "Path", "Arn"):
                role.members[key].parent = role
                context = AttributePickerContext(obj=obj, key=key, shape=role.members[key], key_path=key_path)
                expected = original(picker, context)
                assert picker(context) == picker(context) == expected
                answers.append(expected)
    assert "PAPEL" in answers and "<texto>" in answers and "papel" in answers and None in answers


def test_instance_profiles_listed_under_a_path(sim):
    made = {"/pfx-ana/": "pfx-ana-02-perfil", "/pfx-anabela/": "pfx-anabela-02-perfil", "/": "pfx-solto-perfil"}
    for path, name in made.items():  # IAM outlives the reset between tests: names of this test only, removed below
        sim.iam.create_instance_profile(InstanceProfileName=name, Path=path)
        sim.iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument="{}")
    try:
        def listed(prefix: str | None) -> set[str]:
            options = {"PathPrefix": prefix} if prefix else {}
            profiles = sim.iam.list_instance_profiles(**options)["InstanceProfiles"]
            roles = sim.iam.list_roles(**options)["Roles"]
            found = {p["InstanceProfileName"] for p in profiles if p["InstanceProfileName"].startswith("pfx-")}
            assert found == {r["RoleName"] for r in roles if r["RoleName"].startswith("pfx-")}  # as moto lists roles
            return found

        assert listed("/pfx-ana/") == {"pfx-ana-02-perfil"}  # "/pfx-ana/" is not a prefix of "/pfx-anabela/"
        assert listed("/pfx-") == {"pfx-ana-02-perfil", "pfx-anabela-02-perfil"}
        assert listed(None) == listed("/") == set(made.values())
        arn = sim.iam.get_instance_profile(InstanceProfileName="pfx-ana-02-perfil")["InstanceProfile"]["Arn"]
        assert arn.endswith(":instance-profile/pfx-ana/pfx-ana-02-perfil")
    finally:
        for name in made.values():
            sim.iam.delete_instance_profile(InstanceProfileName=name)
            sim.iam.delete_role(RoleName=name)


def test_a_deleted_nat_gateway_takes_its_network_interface_with_it(sim):
    vpc = sim.ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    subnet = sim.ec2.create_subnet(VpcId=vpc, CidrBlock="10.61.1.0/24")["Subnet"]["SubnetId"]
    eip = sim.ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = sim.ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"]["NatGatewayId"]

    def interfaces() -> list[str]:
        found = sim.ec2.describe_network_interfaces(Filters=[{"Name": "subnet-id", "Values": [subnet]}])
        return [e["NetworkInterfaceId"] for e in found["NetworkInterfaces"]]

    assert len(interfaces()) == 1
    sim.ec2.delete_nat_gateway(NatGatewayId=nat)
    assert interfaces() == []
