"""What the catalogue says of one kind of resource, and whose resources a walk over it looks at."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ecslab import naming
from ecslab.session import Sessao, client_error_code

Owner = tuple[str, str]  # (student, lab); lab '' when the resource says whose it is but not which lab's
Item = dict[str, Any]  # one resource as the inventory shows it: tipo, id, nome, lab and what deleting it needs

# Errors that mean "already gone": deleting what is not there counts as done.
GONE = {
    "NoSuchEntity", "ClusterNotFoundException", "ServiceNotFoundException", "ServiceNotActiveException",
    "LoadBalancerNotFound", "TargetGroupNotFound", "ListenerNotFound", "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound", "InvalidGroup.NotFound", "InvalidInternetGatewayID.NotFound",
    "InvalidRouteTableID.NotFound", "InvalidAllocationID.NotFound", "NatGatewayNotFound",
    "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateName.NotFoundException", "InvalidInstanceID.NotFound",
    "ResourceNotFoundException", "RepositoryNotFoundException", "ObjectNotFoundException",
    "InvalidAssociationID.NotFound", "Gateway.NotAttached", "InvalidPermission.NotFound",
}
DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}


@dataclass
class Scope:
    """Whose resources a walk looks at: one student's (and one lab's, if given), or every student's (aluno None).

    One scope lives for one walk and remembers what several kinds read (a student's clusters)."""

    s: Sessao
    aluno: str | None = None
    lab: str | None = None
    _seen: dict[str, Any] = field(default_factory=dict)

    @property
    def everyone(self) -> bool:
        return self.aluno is None

    def client(self, service: str) -> Any:
        return self.s.client(service)

    def wants(self, owner: Owner | None) -> bool:
        return owner is not None and (self.aluno is None or owner[0] == self.aluno) \
            and (self.lab is None or owner[1] == self.lab)

    def tag_filters(self) -> list[dict[str, Any]]:
        """EC2-style filters narrowing a listing on the server: this student's tags, or any student's tag."""
        if self.aluno is None:
            return [{"Name": "tag-key", "Values": [naming.TAG_ALUNO]}]
        return naming.tag_filters(self.aluno, self.lab)

    def name_prefix(self) -> str:
        """The start of this student's (and lab's) resource names; '' for everyone."""
        return "" if self.aluno is None else naming.prefix(self.aluno, self.lab)

    def remembered(self, key: str, read: Callable[[], Any]) -> Any:
        if key not in self._seen:
            self._seen[key] = read()
        return self._seen[key]


@dataclass(frozen=True)
class Kind:
    """One kind of resource: how to list it, whose it is, how it shows in the inventory and how it is deleted.

    `label` names it in what cleanup reports (pt-BR); `order` is its place in the deletion order (lower first).
    Deleting is either `delete` (one item, retried while `retry` codes say it is still in use) or `delete_all`
    (one call for every item). `prepare` runs on every item of the kind before any is deleted; `gone` says when
    a slow deletion has finished (cleanup waits for it where deletions are not immediate); `tidy` runs after and
    returns what it could not do."""

    tipo: str
    service: str
    listing: Callable[[Scope], Iterable[Any]]
    owner: Callable[[Any], Owner | None]
    show: Callable[[Any], tuple[str, str, dict[str, Any]]]  # (id, nome, what deleting needs)
    order: int
    label: str
    delete: Callable[[Sessao, Item], None] | None = None
    delete_all: Callable[[Sessao, list[Item]], None] | None = None
    retry: tuple[str, ...] = ()
    prepare: tuple[str, Callable[[Sessao, Item], None]] | None = None  # (label, what to do first)
    gone: Callable[[Sessao, list[Item]], bool] | None = None
    tidy: Callable[[Sessao, list[Item]], list[str]] | None = None
    shown_by: str = "nome"  # the item field cleanup names it by (the id when that field is empty)
    inside_another: bool = False  # listed inside another kind (a cluster's services): the roster skips it
    exists_on: Callable[[Sessao], bool] = lambda s: True  # some backends do not have the service

    def find(self, scope: Scope) -> Iterator[tuple[Owner, Any]]:
        """(owner, raw resource) for every resource of this kind the scope wants."""
        if not self.exists_on(scope.s):
            return
        for raw in self.listing(scope):
            owner = self.owner(raw)
            if scope.wants(owner):
                yield owner, raw

    def item(self, owner: Owner, raw: Any) -> Item:
        ident, nome, extra = self.show(raw)
        return {"tipo": self.tipo, "id": ident, "nome": nome, "lab": owner[1], **extra}

    def named(self, item: Item) -> str:
        return f"{self.label} {item.get(self.shown_by) or item['id']}"


def pages(client: Any, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every element of a listing, page after page."""
    if client.can_paginate(method):
        for page in client.get_paginator(method).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, method)(**kwargs).get(key, [])


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def unless_gone(call: Callable[[], Any]) -> None:
    """Run a detaching call; what is already gone is fine."""
    try:
        call()
    except Exception as exc:
        if client_error_code(exc) not in GONE:
            raise
