"""Stand-in for `spack.package`: the directives record what a recipe
declares, MakefilePackage holds a spec, a prefix and a compiler, and the
helpers run real processes. It mirrors Spack's names and call forms, not
its machinery."""

import os
import shutil
import subprocess

# Directives run in the class body, before the class exists: collect them
# here and hand them to the class when it is created.
_pending = []


def version(name, **kwargs):
    _pending.append(("version", name, kwargs))


def variant(name, **kwargs):
    _pending.append(("variant", name, kwargs))


def depends_on(spec, **kwargs):
    _pending.append(("depends_on", spec, kwargs))


def join_path(*parts):
    return os.path.join(*parts)


class ProcessError(Exception):
    pass


class Executable:
    """Spack's Executable: call with arguments; output=str / error=str
    return the captured streams (concatenated); a failure raises."""

    def __init__(self, path):
        self.path = path

    def __call__(self, *args, output=None, error=None, env=None):
        capture = output is str or error is str
        proc = subprocess.run([self.path, *map(str, args)], env=env,
                              capture_output=capture, text=True)
        if proc.returncode != 0:
            detail = (proc.stderr or "").strip()
            raise ProcessError(f"{self.path} {' '.join(map(str, args))}: "
                               f"exit {proc.returncode} {detail}")
        if not capture:
            return None
        return (proc.stdout if output is str else "") + \
            (proc.stderr if error is str else "")


def which(name):
    path = name if os.sep in name else shutil.which(name)
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return Executable(path)
    return None


class MakeExecutable:
    """`make` as a recipe calls it. Records every call; runs them only when
    the driver says so (Spack adds -j for parallel builds)."""

    def __init__(self):
        self.calls = []
        self.run = False
        self.jobs = 2

    def __call__(self, *args):
        self.calls.append(list(args))
        if self.run:
            subprocess.run(["make", f"-j{self.jobs}", *args], check=True)


make = MakeExecutable()


class Prefix(str):
    """An install prefix: prefix.bin is the path of its bin directory."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Prefix(os.path.join(self, name))


class Version(str):
    pass


class Dependency:
    def __init__(self, **attrs):
        self.__dict__.update(attrs)


class Spec:
    """A concrete spec: version, boolean variants and dependencies."""

    def __init__(self, version, variants, dependencies):
        self.version = Version(version)
        self.variants = dict(variants)
        self.dependencies = dict(dependencies)

    def satisfies(self, text):
        if text.startswith("@"):
            return self.version == text[1:]
        if text[0] in "+~":
            return self.variants[text[1:]] == (text[0] == "+")
        raise ValueError(f"stand-in cannot evaluate {text!r}")

    def __contains__(self, text):
        return self.satisfies(text)

    def __getitem__(self, name):
        return self.dependencies[name]


class Compiler:
    def __init__(self, name, cc, openmp_flag):
        self.name = name
        self.cc = cc
        self.openmp_flag = openmp_flag


class PackageBase:
    directives = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.directives = list(_pending)
        _pending.clear()

    def __init__(self, spec, prefix, compiler):
        self.spec = spec
        self.prefix = Prefix(prefix)
        self.compiler = compiler


class EnvironmentModifications:
    """What setup_run_environment asks for, in order; apply() plays
    `spack load` on an environment (a dict), as Spack's path
    modifications do: an unset variable becomes the one entry."""

    def __init__(self):
        self.changes = []

    def prepend_path(self, name, path, sep=os.pathsep):
        self.changes.append(("prepend_path", name, str(path)))

    def append_path(self, name, path, sep=os.pathsep):
        self.changes.append(("append_path", name, str(path)))

    def set(self, name, value):
        self.changes.append(("set", name, str(value)))

    def apply(self, environ):
        env = dict(environ)
        for kind, name, value in self.changes:
            old = [p for p in env.get(name, "").split(os.pathsep) if p]
            if kind == "set":
                env[name] = value
                continue
            old = [p for p in old if p != value]
            new = [value] + old if kind == "prepend_path" else old + [value]
            env[name] = os.pathsep.join(new)
        return env


class MakefilePackage(PackageBase):
    build_targets = []
    install_targets = ["install"]


__all__ = ["version", "variant", "depends_on", "join_path", "which", "make",
           "MakefilePackage", "ProcessError"]
