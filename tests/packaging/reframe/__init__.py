"""A stand-in for the parts of ReFrame that packaging/reframe's check uses,
so tests/test_packaging.sh can import the check where ReFrame is not
installed. It keeps ReFrame's names and call forms; sanity functions run
eagerly instead of being deferred."""

registered = []


def simple_test(cls):
    registered.append(cls)
    return cls


class RegressionTest:
    """Attributes a check sets, and the hooks its decorators marked."""

    env_vars = {}
    executable_opts = []

    @classmethod
    def hooks(cls, when, stage):
        return [f for f in _methods(cls) if getattr(f, '_rfm_hook', None) == (when, stage)]

    @classmethod
    def sanity_functions(cls):
        return [f for f in _methods(cls) if getattr(f, '_rfm_sanity', False)]

    @classmethod
    def performance_functions(cls):
        return [f for f in _methods(cls) if hasattr(f, '_rfm_perf_unit')]


def _methods(cls):
    seen = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if callable(value):
                seen[name] = value
    return list(seen.values())
