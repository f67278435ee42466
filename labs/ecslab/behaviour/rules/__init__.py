"""ECS's failure rules on plain data: what makes a task fail on AWS, each rule a module that reads as the rule.

Nothing here imports moto: the rules take frozen dataclasses and plain values, so they are tested in-process and
would run in any emulator. `behaviour.views` builds their inputs from moto's objects; `behaviour.failures` applies
their verdicts to tasks and services.
"""
