# ReFrame check for ompsweep: builds it with ReFrame's Make build system,
# runs a bogosort thread sweep on one node and reads the results from
# summary.csv.
#
#   reframe -C <site config> -c packaging/reframe/ompsweep_check.py -r
#   reframe ... -S num_threads=64 -S repeats=11      (a bigger node)
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
# functions to a summary.csv written by a real run.

import os

import reframe as rfm
import reframe.utility.sanity as sn
from reframe.core.builtins import (performance_function, run_after,
                                   run_before, sanity_function, variable)

# The columns of summary.csv, in order. A field is either quoted (a schedule
# such as "dynamic,4" holds a comma) or free of commas.
SUMMARY_COLUMNS = (
    'run_id', 'workload', 'variant', 'schedule', 'bind', 'places', 'size',
    'ranks', 'threads',
    'n', 'median', 'min', 'max', 'mean', 'stddev', 'cv', 'ci_low', 'ci_high',
    'speedup', 'efficiency', 'karp_flatt', 'amdahl_serial', 'verified')
_FIELD = r'(?:"[^"\n]*"|[^,"\n]*)'
# One data row of summary.csv, with a named group per column (the header
# does not match: its threads and verified fields are not numbers/booleans).
SUMMARY_ROW = '^' + ','.join(
    r'(?P<threads>\d+)' if c == 'threads' else
    r'(?P<verified>true|false)' if c == 'verified' else
    f'(?P<{c}>{_FIELD})' for c in SUMMARY_COLUMNS) + '$'


@sn.deferrable
def _at_most_threads(rows):
    """The value paired with the largest thread count in (threads, value)
    rows."""
    return max(rows, key=lambda row: row[0])[1]


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
    #: Extra ompsweep options, e.g. ['--rows', '4000'].
    extra_opts = variable(list, value=[])
    #: -march target for the build; empty leaves it to the environment's
    #: CFLAGS (a cluster with older nodes sets e.g. 'x86-64-v3').
    arch = variable(str, value='')

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
                                '-o', 'results'] + self.extra_opts

    @property
    def summary_csv(self):
        return os.path.join(self.stagedir, 'results', 'summary.csv')

    @sanity_function
    def every_row_verified(self):
        verified = sn.extractall(SUMMARY_ROW, self.summary_csv, 'verified')
        threads = sn.extractall(SUMMARY_ROW, self.summary_csv, 'threads', int)
        return sn.all([
            sn.assert_eq(sn.count(threads),
                         len(_thread_counts(self.num_threads)),
                         msg='summary.csv: {0} rows, expected {1}'),
            sn.assert_eq(sn.max(threads), self.num_threads),
            sn.assert_true(sn.all(sn.map(lambda v: v == 'true', verified)),
                           msg='summary.csv: a row is not verified'),
        ])

    @performance_function('s')
    def median_s(self):
        """Median kernel seconds at the largest thread count."""
        rows = sn.extractall(SUMMARY_ROW, self.summary_csv,
                             ('threads', 'median'), (int, float))
        return _at_most_threads(rows)

    @performance_function('fraction')
    def efficiency(self):
        """Parallel efficiency (speedup / threads) at the largest count."""
        rows = sn.extractall(SUMMARY_ROW, self.summary_csv,
                             ('threads', 'efficiency'), (int, float))
        return _at_most_threads(rows)
