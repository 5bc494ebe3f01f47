# Spack recipe for ompsweep (Spack 0.2x package API; see ../../repo.yaml).
#
# Sites edit `url`, `git` and `homepage`: they are placeholders for where the
# site keeps its copy of the project. tests/test_packaging.sh loads this file
# under a stand-in for the Spack API (tests/packaging/spack/), checks the make
# arguments it produces and runs them into a temporary prefix.

import os

from spack.package import *  # noqa: F401,F403

# What an unset XDG_DATA_DIRS stands for (XDG Base Directory Specification).
XDG_DATA_DIRS_DEFAULT = ("/usr/local/share", "/usr/share")


class Ompsweep(MakefilePackage):
    """Runs CPU-bound workloads (bogosort; a KMeans + silhouette elbow
    search) over a sweep of OpenMP thread counts, verifies that every count
    computed identical checksums, and writes CSV timing tables."""

    homepage = "https://example.org/ompsweep"
    url = "https://example.org/ompsweep/ompsweep-0.2.0.tar.gz"
    git = "https://example.org/ompsweep.git"

    version("develop", branch="main")
    # `make recipe-checksums` writes the sha256 of the `make dist` tarball
    # of the version below, and the commit it was made of (`make dist
    # DIST_REF=<commit>` makes it again). A tarball cannot hold its own
    # checksum: a release's is written in the commit after its tag
    # (docs/install.md, "Releasing").
    # 0.2.0: make dist of commit 22e1d3e31b25
    version("0.2.0", sha256="ef2dcb98fc8c954622936306a398744aa417c60ef909627c503f74c4ccc0ec75")

    variant("mpi", default=False, description="Hybrid MPI + OpenMP build (make MPI=1)")

    depends_on("c", type="build")
    depends_on("gmake", type="build")
    depends_on("mpi", when="+mpi")

    sanity_check_is_file = [
        "bin/ompsweep",
        "share/man/man1/ompsweep.1",
        "share/bash-completion/completions/ompsweep",
    ]

    def _make_args(self):
        """Variables for every make call: install and check rebuild for the
        knobs they are given, so they get the same ones as the build."""
        mpi = self.spec.satisfies("+mpi")
        # With MPI=1 the Makefile compiles with `mpicc` from PATH, which
        # while Spack builds is this spec's MPI; CC names it all the same.
        cc = self.spec["mpi"].mpicc if mpi else spack_cc  # noqa: F405
        args = [
            f"CC={cc}",
            f"OPENMP_FLAGS={self.compiler.openmp_flag}",
            # No -march of our own (the Makefile's default is native):
            # Spack's compiler wrapper already adds the flags of the spec's
            # target (SPACK_TARGET_ARGS, e.g. -march=zen3 -mtune=zen3), so
            # `target=x86_64_v3` builds code for a cluster's oldest nodes.
            "ARCH=",
        ]
        if mpi:
            args.append("MPI=1")
        return args

    @property
    def build_targets(self):
        return self._make_args()

    @property
    def install_targets(self):
        return self._make_args() + [f"PREFIX={self.prefix}", "install"]

    def check(self):
        """`spack install --test=root`: the test suite, same knobs."""
        make("test", *self._make_args())  # noqa: F405

    def setup_run_environment(self, env):
        """`spack load` and Spack's modules: bash-completion looks for
        completions under each XDG_DATA_DIRS entry's
        bash-completion/completions; Spack adds share/ to none of its
        variables. An unset XDG_DATA_DIRS means /usr/local/share:/usr/share,
        so those follow ours then, or the system's completions would be
        lost."""
        env.prepend_path("XDG_DATA_DIRS", self.prefix.share)
        if not os.environ.get("XDG_DATA_DIRS"):
            for system in XDG_DATA_DIRS_DEFAULT:
                env.append_path("XDG_DATA_DIRS", system)

    def _ompsweep(self):
        return which(join_path(self.prefix.bin, "ompsweep"))  # noqa: F405

    def test_version(self):
        """ompsweep --version names the program and, for a release, its version"""
        out = self._ompsweep()("--version", output=str, error=str)
        assert out.startswith("ompsweep "), out
        if not self.spec.satisfies("@develop"):
            assert f"ompsweep {self.spec.version} " in out, out

    def test_tiny_study(self):
        """a bogosort sweep at 1 and 2 threads writes two verified summary rows"""
        out = self._ompsweep()(
            "bogosort", "--rows", "20", "-t", "1,2", "-r", "1", "-w", "0", "-q",
            "-o", "tiny-study", output=str, error=str,
        )
        # Only this run's rows: the directory may hold an earlier run's.
        run_id = out.split("ompsweep run ", 1)[1].split()[0]
        with open(join_path("tiny-study", "summary.csv")) as f:  # noqa: F405
            rows = [r for r in f.read().splitlines() if r.startswith(run_id + ",")]
        assert len(rows) == 2, rows
        assert all(row.endswith(",true") for row in rows), rows
