# ReFrame check for ompsweep: builds it with ReFrame's Make build system,
# runs a bogosort thread sweep on one node and reads the results from
# summary.csv: only the rows of its own run id (printed on stdout), in a
# directory of its own.
#
#   reframe -C <site config> -c packaging/reframe/ompsweep_check.py -r
#   reframe ... -S num_threads=64 -S repeats=11      (a bigger node)
#   reframe ... -S extra_opts='--rows 4000 --schedule dynamic,4'
#
# The programming environment must carry the 'openmp' feature and its
# OpenMP flag in extras, as in ReFrame's tutorial configuration:
#   {'name': 'gnu', 'cc': 'gcc', 'features': ['openmp'],
#    'extras': {'omp_flag': '-fopenmp'}}
# ReFrame's Make build system passes CC and the environment's CFLAGS on the
# make command line; the Makefile adds them to its own required flags
# (-std=c11, OPENMP_FLAGS) instead of letting them replace those.
#
# tests/test_packaging.sh imports this file under a stand-in for ReFrame
# (tests/packaging/reframe/) and applies its sanity and performance
# functions to a summary.csv written by a real run;
# packaging/check-real-tools.sh runs it under ReFrame itself.

import csv
import os
import shlex

import reframe as rfm
import reframe.utility.sanity as sn
from reframe.core.builtins import (performance_function, run_after,
                                   run_before, sanity_function, variable)
from reframe.core.exceptions import SanityError

# The line of ompsweep's standard output that names the run id of this
# invocation: the sanity and performance functions read only its rows.
RUN_LINE = r'^ompsweep run (\S+) on '


@sn.deferrable
def _own_rows(path, run_id):
    """The rows of summary.csv (dicts by header name) whose run_id is
    run_id. Read by header name, so a later summary layout with more
    columns still reads; rows of earlier runs in the same file are left
    out."""
    try:
        with open(path, newline='', encoding='utf-8') as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise SanityError(f'{path}: {e.strerror}')
    return [row for row in rows if row.get('run_id') == run_id]


@sn.deferrable
def _column(rows, name, conv=str):
    """One column of rows, converted, in ascending thread order."""
    ordered = sorted(rows, key=lambda row: int(row['threads']))
    try:
        return [conv(row[name]) for row in ordered]
    except (KeyError, ValueError) as e:
        raise SanityError(f'summary.csv: column {name}: {e}')


@sn.deferrable
def _at_most_threads(rows, name):
    """Column name of the row with the largest thread count."""
    if not rows:
        raise SanityError('summary.csv: no row of this run')
    return float(max(rows, key=lambda row: int(row['threads']))[name])


def _thread_counts(n):
    """1, 2, 4, ... below n, then n: the sweep ompsweep runs by default."""
    counts, t = [], 1
    while t < n:
        counts.append(t)
        t *= 2
    return counts + [n]


@rfm.simple_test
class OmpsweepBogosortCheck(rfm.RegressionTest):
    descr = 'ompsweep: bogosort OpenMP thread sweep, verified and timed'
    valid_systems = ['*']
    valid_prog_environs = ['+openmp']
    build_system = 'Make'
    # The repository holding this file; `-S sourcesdir=...` points elsewhere
    # (a git URL or an unpacked `make dist` tarball).
    sourcesdir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              os.pardir, os.pardir)
    executable = './ompsweep'
    num_tasks = 1
    time_limit = '20m'
    tags = {'openmp', 'benchmark'}

    #: Threads of the largest count, and CPUs asked of the scheduler.
    num_threads = variable(int, value=8)
    #: Timed runs per thread count (6 or more give a confidence interval).
    repeats = variable(int, value=6)
    #: Extra ompsweep options, split as by a shell:
    #: -S extra_opts='--rows 4000 --schedule dynamic,4'. (A string, not a
    #: list: ReFrame splits a list given with -S at its commas.)
    extra_opts = variable(str, value='')
    #: -march target for the build; empty leaves it to the environment's
    #: CFLAGS (a cluster with older nodes sets e.g. 'x86-64-v3').
    arch = variable(str, value='')
    #: Where ompsweep writes its tables, relative to the stage directory:
    #: a directory of the check's own, apart from the reference/ run that
    #: the sources hold (ompsweep appends to an existing summary.csv).
    output_dir = variable(str, value='rfm_ompsweep_results')

    # Site-specific: these figures describe one machine and mean nothing
    # elsewhere. Replace 'example:cpu' by your system:partition and the
    # values by those of a run you trust; without a matching entry ReFrame
    # only logs the performance.
    reference = {
        'example:cpu': {
            'median_s': (0.05, None, 0.10, 's'),
            'efficiency': (0.80, -0.10, None, 'fraction'),
        },
    }

    @run_after('init')
    def set_resources(self):
        self.num_cpus_per_task = self.num_threads
        # One thread per core, packed: what a scaling study wants.
        self.env_vars = {'OMP_PLACES': 'cores', 'OMP_PROC_BIND': 'close'}

    @run_before('compile')
    def set_build_options(self):
        omp_flag = self.current_environ.extras.get('omp_flag', '-fopenmp')
        self.build_system.options = [f'OPENMP_FLAGS={omp_flag}',
                                     f'ARCH={self.arch}']

    @run_before('run')
    def set_sweep(self):
        threads = ','.join(map(str, _thread_counts(self.num_threads)))
        self.executable_opts = ['bogosort', '--threads', threads,
                                '--repeats', str(self.repeats), '-q',
                                '-o', self.output_dir] + shlex.split(self.extra_opts)

    @property
    def summary_csv(self):
        return os.path.join(self.stagedir, self.output_dir, 'summary.csv')

    @property
    def own_rows(self):
        """This run's rows of summary.csv: rows that another run left in
        the same directory do not count."""
        run_id = sn.extractsingle(RUN_LINE, self.stdout, 1)
        return _own_rows(self.summary_csv, run_id)

    @sanity_function
    def every_row_verified(self):
        rows = self.own_rows
        return sn.all([
            sn.assert_eq(_column(rows, 'threads', int),
                         _thread_counts(self.num_threads),
                         msg='summary.csv: this run has thread counts {0}, '
                             'expected {1}'),
            sn.assert_true(sn.all(sn.map(lambda v: v == 'true',
                                         _column(rows, 'verified'))),
                           msg='summary.csv: a row is not verified'),
        ])

    @performance_function('s')
    def median_s(self):
        """Median kernel seconds at the largest thread count."""
        return _at_most_threads(self.own_rows, 'median')

    @performance_function('fraction')
    def efficiency(self):
        """Parallel efficiency (speedup / threads) at the largest count."""
        return _at_most_threads(self.own_rows, 'efficiency')
