"""Stand-in for reframe.utility.sanity with ReFrame's semantics, evaluated
eagerly: extractall searches the whole file with re.MULTILINE, a tuple of
tags gives tuples, extractsingle takes one match (an error when there is
none), the assertions raise SanityError. Relative file names are relative
to the working directory, which the driver sets to the stage directory,
as ReFrame does while it evaluates sanity and performance functions."""

import builtins
import re

from reframe.core.exceptions import SanityError


def deferrable(fn):
    return fn


def extractall(patt, filename, tag=0, conv=None, encoding='utf-8'):
    try:
        with open(filename, encoding=encoding) as f:
            text = f.read()
    except OSError as e:
        raise SanityError(f'{filename}: {e.strerror}')
    multi = isinstance(tag, (tuple, list))
    tags = tag if multi else (tag,)
    convs = conv if isinstance(conv, (tuple, list)) else (conv,) * len(tags)
    out = []
    for m in re.finditer(patt, text, re.MULTILINE):
        try:
            vals = tuple(c(m.group(t)) if c else m.group(t)
                         for t, c in zip(tags, convs))
        except ValueError as e:
            raise SanityError(f'cannot convert: {e}')
        out.append(vals if multi else vals[0])
    return out


def extractsingle(patt, filename, tag=0, conv=None, item=0, encoding='utf-8'):
    values = extractall(patt, filename, tag, conv, encoding)
    try:
        return values[item]
    except IndexError:
        raise SanityError(f'not enough matches of pattern {patt!r} in file '
                          f'{filename!r} so as to extract item {item}')


def _fail(msg, default, *args):
    raise SanityError((msg or default).format(*args))


def assert_eq(a, b, msg=None):
    if a != b:
        _fail(msg, '{0} != {1}', a, b)
    return True


def assert_true(x, msg=None):
    if not x:
        _fail(msg, '{0} is not true', x)
    return True


def all(iterable):
    return builtins.all(iterable)


def map(fn, *iterables):
    return list(builtins.map(fn, *iterables))


def count(iterable):
    return len(list(iterable))


def max(*args, **kwargs):
    return builtins.max(*args, **kwargs)
