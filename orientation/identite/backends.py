from orientation.accounts.backends import CompteDeLaSession


class IdentiteFedereeBackend(CompteDeLaSession):
    """Keeps sessions opened by a federated login valid: the provider authenticated the person,
    `liaison` found the account, and this backend only reloads it on each request. It never
    authenticates anybody by itself."""

    def authenticate(self, request, **kwargs):
        return None
