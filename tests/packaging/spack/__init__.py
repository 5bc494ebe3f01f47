"""A stand-in for the few parts of Spack that packaging/spack's recipe uses,
so that tests/test_packaging.sh can load the recipe where Spack is not
installed. Only spack.package exists; see spack/package.py."""
