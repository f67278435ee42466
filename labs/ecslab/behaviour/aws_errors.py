"""The AWS errors the behaviour layer raises, as plain exceptions: a code, a message and the service whose protocol
answers them. The moto adapter (moto_patches) turns each into moto's exception for that service where a patched
moto function returns, so a module that only raises errors never imports moto.
"""

from __future__ import annotations

ECS = "ecs"
APPLICATION_AUTOSCALING = "application-autoscaling"
EC2 = "ec2"


class AwsError(Exception):
    code = "UnspecifiedErrorCode"
    service = ECS
    message = ""

    def __init__(self, message: str | None = None, code: str | None = None) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(self.message)


class InvalidParameter(AwsError):
    code = "InvalidParameterException"


class ClientError(AwsError):
    code = "ClientException"


class ClusterNotFound(AwsError):
    code = "ClusterNotFoundException"
    message = "Cluster not found."


class ClusterContainsServices(AwsError):
    code = "ClusterContainsServicesException"
    message = "The Cluster cannot be deleted while Services are active."


class ClusterContainsContainerInstances(AwsError):
    code = "ClusterContainsContainerInstancesException"
    message = "The Cluster cannot be deleted while Container Instances are active or draining."


class ClusterContainsTasks(AwsError):
    code = "ClusterContainsTasksException"
    message = "The Cluster cannot be deleted while Tasks are active."


class ServiceNotActive(AwsError):
    code = "ServiceNotActiveException"
    message = "Service was not ACTIVE."


class ServiceNotFound(AwsError):
    code = "ServiceNotFoundException"
    message = "Service not found."


class ResourceNotFound(AwsError):
    code = "ResourceNotFoundException"
    message = "The specified resource wasn't found."  # the exception's description in the ECS API reference


class Conflict(AwsError):
    code = "ConflictException"


class ServiceDeploymentNotFound(AwsError):
    code = "ServiceDeploymentNotFoundException"
    message = "Service deployment not found."


class ScalingValidation(AwsError):
    """Application Auto Scaling's ValidationException."""

    code = "ValidationException"
    service = APPLICATION_AUTOSCALING


class ScalingObjectNotFound(AwsError):
    code = "ObjectNotFoundException"
    service = APPLICATION_AUTOSCALING


class InsufficientFreeAddresses(AwsError):
    """EC2's error when a subnet has no address left for a new network interface."""

    code = "InsufficientFreeAddressesInSubnet"
    service = EC2
    message = "The specified subnet does not have enough free addresses to satisfy the request."
