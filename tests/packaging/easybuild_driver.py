"""Plays EasyBuild's part for packaging/easybuild/*.eb (EasyBuild is not
installed here). An easyconfig is Python: it is executed with the few names
EasyBuild predefines that it uses.

  easybuild_driver.py describe EASYCONFIG
      prints its parameters, one per line, templates unresolved.
  easybuild_driver.py install EASYCONFIG SRC INSTALLDIR [system]
      as ConfigureMake does with skipsteps=['configure'], in SRC:
      `make -j2 <buildopts>` then `make install <installopts>` (shell
      command lines, templates resolved), with the toolchain's CC and
      CFLAGS in the environment; then checks sanity_check_paths under
      INSTALLDIR and runs each of sanity_check_commands with INSTALLDIR/bin
      first on PATH, as the generated module would. With "system", as
      with toolchain = SYSTEM: no compiler flags in the environment, and
      toolchainopts other than EasyBuild's known ones for it are an error.
Exit status 1 with a message on the first failure.
"""

import os
import subprocess
import sys

# What EasyBuild 5.2's GCC toolchain exports without toolchainopts (seen
# in its build log; its optarch -march=native left out: this is a portable
# check). No OpenMP flag: the Makefile adds its own.
TOOLCHAIN_ENV = {'CC': 'gcc', 'CFLAGS': '-O2 -ftree-vectorize -fno-math-errno',
                 'LDFLAGS': ''}
# The system toolchain exports no flags and knows only this option.
SYSTEM_TOOLCHAINOPTS = {'rpath'}
PREDEFINED = {'SOURCE_TAR_GZ': '%(name)s-%(version)s.tar.gz',
              'SYSTEM': {'name': 'system', 'version': 'system'}}


def load(path):
    names = dict(PREDEFINED)
    with open(path) as f:
        exec(compile(f.read(), path, 'exec'), names)
    return {k: v for k, v in names.items()
            if not k.startswith('__') and k not in PREDEFINED}


def resolve(text, ec, installdir):
    return text % {'name': ec['name'], 'version': ec['version'],
                   'installdir': installdir}


def describe(path):
    ec = load(path)
    for key in sorted(ec):
        print(f'{key} {ec[key]!r}')


def shell(command, **kwargs):
    print(f'run {command}')
    if subprocess.run(command, shell=True, **kwargs).returncode != 0:
        sys.exit(f'failed: {command}')


def install(path, src, installdir, toolchain='GCC'):
    ec = load(path)
    if toolchain == 'system':
        unknown = set(ec.get('toolchainopts', {})) - SYSTEM_TOOLCHAINOPTS
        if unknown:
            sys.exit(f'Undefined toolchain option {", ".join(sorted(unknown))} '
                     f'specified (known options: {", ".join(sorted(SYSTEM_TOOLCHAINOPTS))})')
        env = {k: v for k, v in os.environ.items()
               if k not in ('CC', 'CFLAGS', 'LDFLAGS')}
    else:
        env = dict(os.environ, **TOOLCHAIN_ENV)
    shell(f"make -j2 {resolve(ec['buildopts'], ec, installdir)}", cwd=src, env=env)
    shell(f"make install {resolve(ec['installopts'], ec, installdir)}", cwd=src, env=env)
    for kind, test in (('files', os.path.isfile), ('dirs', os.path.isdir)):
        for rel in ec['sanity_check_paths'][kind]:
            if not test(os.path.join(installdir, rel)):
                sys.exit(f'sanity_check_paths: {rel} missing')
            print(f'sanity ok {rel}')
    env = dict(os.environ, PATH=os.path.join(installdir, 'bin') + os.pathsep + os.environ['PATH'])
    for command in ec['sanity_check_commands']:
        shell(resolve(command, ec, installdir), env=env, stdout=subprocess.DEVNULL)


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == 'describe':
        describe(sys.argv[2])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == 'install':
        install(*sys.argv[2:])
    else:
        sys.exit(__doc__)
