"""Plays ReFrame's part for packaging/reframe/ompsweep_check.py under the
stand-in of tests/packaging/reframe (ReFrame is not installed here).

  reframe_driver.py ROOT OMPSWEEP STAGEDIR [OPTION=VALUE...]

Imports the check, sets its variables (num_threads=2, repeats=1 and the
given ones, e.g. 'extra_opts=--rows 60', strings as ReFrame's -S gives
them), runs its hooks in pipeline order, runs OMPSWEEP with the executable
options and variables the check chose (in STAGEDIR, as ReFrame runs
./ompsweep in the stage directory, its stdout into rfm_job.out there),
then applies the sanity and performance functions in STAGEDIR.
Prints one line per fact; a failed sanity check prints "sanity failed: ...".
The pseudo-variable run=no skips running OMPSWEEP (STAGEDIR has the
output of an earlier run).
"""

import importlib.util
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reframe  # noqa: E402  (the stand-in)
import reframe.utility.sanity as sn  # noqa: E402

CHECK = 'packaging/reframe/ompsweep_check.py'


class Environ:
    extras = {'omp_flag': '-fopenmp'}


class Make:
    options = []


def load_check(root):
    path = os.path.join(root, CHECK)
    spec = importlib.util.spec_from_file_location('ompsweep_check', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return reframe.registered[-1]


def run_hooks(test, when, stage):
    for hook in type(test).hooks(when, stage):
        hook(test)


def main(root, ompsweep, stagedir, *assignments):
    cls = load_check(root)
    print(f'check {cls.__name__} valid_prog_environs '
          f'{" ".join(cls.valid_prog_environs)} build_system {cls.build_system}')
    test = cls()
    test.num_threads, test.repeats = 2, 1
    run = True
    for a in assignments:
        name, value = a.split('=', 1)
        if name == 'run':
            run = value != 'no'
            continue
        setattr(test, name, value)
    test.stagedir = stagedir
    test.stdout = 'rfm_job.out'
    test.current_environ = Environ()
    test.build_system = Make()
    run_hooks(test, 'after', 'init')
    run_hooks(test, 'before', 'compile')
    run_hooks(test, 'before', 'run')
    print(f'num_cpus_per_task {test.num_cpus_per_task}')
    print('env_vars ' + ' '.join(f'{k}={v}' for k, v in sorted(test.env_vars.items())))
    print('build_options ' + ' '.join(test.build_system.options))
    print('executable_opts ' + ' '.join(test.executable_opts))
    if run:
        os.makedirs(stagedir, exist_ok=True)
        env = dict(os.environ, **test.env_vars)
        with open(os.path.join(stagedir, test.stdout), 'w') as out:
            rc = subprocess.run([ompsweep, *test.executable_opts],
                                cwd=stagedir, env=env, stdout=out,
                                stderr=subprocess.DEVNULL).returncode
        print(f'ompsweep exit {rc}')
    os.makedirs(stagedir, exist_ok=True)
    os.chdir(stagedir)
    for fn in cls.sanity_functions():
        try:
            print(f'sanity {fn.__name__} {fn(test)}')
        except sn.SanityError as e:
            print(f'sanity failed: {e}')
            return  # ReFrame skips the performance stage then
    for fn in cls.performance_functions():
        print(f'perf {fn.__name__} {fn(test)} {fn._rfm_perf_unit}')
    for system, refs in sorted(cls.reference.items()):
        for name, ref in sorted(refs.items()):
            print(f'reference {system} {name} {" ".join(map(str, ref))}')


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
