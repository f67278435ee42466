"""Reset every moto backend except a few: IAM by default, because the tests reset between cases and the labs' roles
and instance profiles are account-wide and created idempotently (`criar_perfis_iam`), so they can outlive a case.
`{"manter": []}` resets IAM too. Students start empty with `ecslab emulador reiniciar --limpo` instead."""

from __future__ import annotations

KEEP_DEFAULT = ("iam",)


def reset_except(keep: tuple[str, ...] = KEEP_DEFAULT) -> list[str]:
    """Like `POST /moto-api/reset`, keeping the services named in `keep`; returns the services reset."""
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    done = []
    with backend_lock:
        for backend_dict in list(BackendDict._instances):
            if backend_dict.service_name in keep:
                continue
            for account in list(dict.values(backend_dict)):
                account.reset()
            backend_dict.clear()
            BackendDict._instances.remove(backend_dict)
            done.append(backend_dict.service_name)
    reset_model_data()
    return sorted(done)
