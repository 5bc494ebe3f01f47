"""Stand-in for reframe.core.builtins: decorators mark methods, variable()
is its default value."""


def variable(kind, value=None):
    if not isinstance(value, kind):
        raise TypeError(f'variable: {value!r} is not a {kind.__name__}')
    return value


def _hook(when, stage):
    def mark(fn):
        fn._rfm_hook = (when, stage)
        return fn
    return mark


def run_before(stage):
    return _hook('before', stage)


def run_after(stage):
    return _hook('after', stage)


def sanity_function(fn):
    fn._rfm_sanity = True
    return fn


def performance_function(unit):
    if not isinstance(unit, str):
        raise TypeError('performance_function: the unit is a string')

    def mark(fn):
        fn._rfm_perf_unit = unit
        return fn
    return mark
