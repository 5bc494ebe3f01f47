"""Plays Spack's part for packaging/spack's recipe, under the stand-in API of
tests/packaging/spack (Spack itself is not installed here).

  spack_driver.py describe ROOT
      prints the recipe's directives, sanity paths, its run environment
      (XDG_DATA_DIRS unset, then set) and, for ~mpi and +mpi,
      the make arguments of its build, install and check phases (with a
      fixed compiler wrapper, MPI and prefix, so the output is comparable).
  spack_driver.py install ROOT VARIANT SRC PREFIX TESTDIR
      as `spack install ompsweep VARIANT` then `spack test run`: in SRC runs
      make with the build targets, then with the install targets, checks the
      sanity paths under PREFIX, prints the XDG_DATA_DIRS that `spack load`
      would leave in a shell without one, and runs every test_* method in
      TESTDIR.
      The compiler is gcc, MPI's mpicc the one on PATH.
Exit status 1 with a message on the first failure.
"""

import importlib.util
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spack.package as sp  # noqa: E402  (the stand-in)

RECIPE = "packaging/spack/packages/ompsweep/package.py"


def load_recipe(root, cc):
    path = os.path.join(root, RECIPE)
    spec = importlib.util.spec_from_file_location("ompsweep_recipe", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Spack sets this module global to its compiler wrapper before building.
    module.spack_cc = cc
    return module.Ompsweep


def make_package(cls, variant, version, prefix, cc, mpicc):
    mpi = variant == "+mpi"
    deps = {"mpi": sp.Dependency(mpicc=mpicc)} if mpi else {}
    spec = sp.Spec(version, {"mpi": mpi}, deps)
    return cls(spec, prefix, sp.Compiler("gcc", cc, "-fopenmp"))


def describe(root):
    cls = load_recipe(root, "/spack/env/gcc/gcc")
    for kind, name, kwargs in cls.directives:
        extra = " ".join(f"{k}={v}" for k, v in sorted(kwargs.items())
                         if k != "description")
        print(f"directive {kind} {name} {extra}".rstrip())
    for path in cls.sanity_check_is_file:
        print(f"sanity {path}")
    tests = sorted(n for n in dir(cls) if n.startswith("test_"))
    print("tests " + " ".join(tests))
    pkg = make_package(cls, "~mpi", "0.2.0", "/PREFIX",
                       "/spack/env/gcc/gcc", "/MPI/bin/mpicc")
    for label, xdg in (("unset", None), ("set", "/usr/share")):
        env = run_environment(pkg, xdg)
        print(f"run_env {label} " + " ".join(
            f"{kind}:{name}={value}" for kind, name, value in env.changes))
    for variant in ("~mpi", "+mpi"):
        pkg = make_package(cls, variant, "0.2.0", "/PREFIX",
                           "/spack/env/gcc/gcc", "/MPI/bin/mpicc")
        print(f"{variant} build {' '.join(pkg.build_targets)}")
        print(f"{variant} install {' '.join(pkg.install_targets)}")
        sp.make.calls.clear()
        pkg.check()
        print(f"{variant} check {' '.join(' '.join(c) for c in sp.make.calls)}")


def run_environment(pkg, xdg_data_dirs):
    """The recipe's run environment when `spack load` runs in a shell whose
    XDG_DATA_DIRS is xdg_data_dirs (None: unset)."""
    saved = os.environ.pop("XDG_DATA_DIRS", None)
    if xdg_data_dirs is not None:
        os.environ["XDG_DATA_DIRS"] = xdg_data_dirs
    try:
        env = sp.EnvironmentModifications()
        pkg.setup_run_environment(env)
    finally:
        os.environ.pop("XDG_DATA_DIRS", None)
        if saved is not None:
            os.environ["XDG_DATA_DIRS"] = saved
    return env


def makefile_version(src):
    with open(os.path.join(src, "Makefile")) as f:
        m = re.search(r"^VERSION\s*:?=\s*(\S+)", f.read(), re.M)
    return m.group(1) if m else "develop"


def install(root, variant, src, prefix, testdir):
    cc = shutil.which("gcc") or "gcc"  # Spack's wrapper for %gcc is named gcc too
    mpicc = shutil.which("mpicc") or "mpicc"
    cls = load_recipe(root, cc)
    pkg = make_package(cls, variant, makefile_version(src), prefix, cc, mpicc)
    sp.make.run = True
    os.chdir(src)
    # MakefilePackage's build and install phases: make(*targets).
    sp.make(*pkg.build_targets)
    sp.make(*pkg.install_targets)
    print(f"ran make {' '.join(pkg.build_targets)}")
    print(f"ran make {' '.join(pkg.install_targets)}")
    for path in cls.sanity_check_is_file:
        if not os.path.isfile(os.path.join(prefix, path)):
            sys.exit(f"sanity: {path} missing under {prefix}")
        print(f"sanity ok {path}")
    # `spack load` in a shell without XDG_DATA_DIRS: the value it leaves.
    env = run_environment(pkg, None).apply(
        {k: v for k, v in os.environ.items() if k != "XDG_DATA_DIRS"})
    print(f"spack load XDG_DATA_DIRS {env.get('XDG_DATA_DIRS', '')}")
    os.makedirs(testdir, exist_ok=True)
    os.chdir(testdir)
    for name in sorted(n for n in dir(cls) if n.startswith("test_")):
        try:
            getattr(pkg, name)()
        except (AssertionError, sp.ProcessError) as e:
            sys.exit(f"{name} failed: {e}")
        print(f"{name} passed")


def main(argv):
    if len(argv) == 3 and argv[1] == "describe":
        describe(argv[2])
    elif len(argv) == 7 and argv[1] == "install":
        install(*argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
