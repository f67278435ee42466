"""The course's constants: its labs, and the names and values that provisioning builds and the checks look for.

Checks, provisioning and the resource catalogue import them from here, so that none of them reads another's
constants.
"""

from __future__ import annotations

LABS = {
    "00": "ambiente",
    "01": "rede",
    "02": "ec2",
    "03": "fargate",
    "04": "spot",
    "05": "escalabilidade",
    "06": "custos",
    "07": "diagnóstico",
    "99": "limpeza",
}
NETWORK_LAB = "01"  # the lab whose VPC, subnets and security groups the later labs use

# IAM: the managed policies the labs attach, and the suffixes of the roles they create (`<aluno>-<lab>-<suffix>`).
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
EXECUTION_ROLE = "execucao-tarefa"
INSTANCE_ROLE = "instancia-ecs"  # the container instances' role and its instance profile

# The public SSM parameter that names the ECS-optimized AMI (Amazon Linux 2023).
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"

IMAGE = "public.ecr.aws/nginx/nginx:stable"  # what the labs' tasks run
LOG_PREFIX = "/ecslab/"  # every log group of the course is /ecslab/<aluno>-<lab>-<nome>

# ECS: the capacity providers every account has, and service auto scaling (lab 05).
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
SCALING_DIMENSION = "ecs:service:DesiredCount"
CPU_METRIC = "ECSServiceAverageCPUUtilization"
