"""moto answers the emulator corrects for a class: launch templates past 15, and EC2 tags read per resource."""

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
