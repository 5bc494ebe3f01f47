-- Lmod modulefile for ompsweep installed with
--   make install PREFIX=/opt/apps/ompsweep/0.2.0
-- Copy it to <a MODULEPATH directory>/ompsweep/0.2.0.lua and set `root`
-- to that PREFIX. Then: module load ompsweep; man ompsweep.
-- (EasyBuild and Spack write their own modulefiles; this one is for a
-- hand-made install.)

help([[
ompsweep runs CPU-bound workloads over a sweep of OpenMP thread counts,
checks that every count computed the same result, and writes CSV timing
tables. Start with: ompsweep --help, or man ompsweep.
]])

whatis("Name: ompsweep")
whatis("Version: 0.2.0")
whatis("Description: OpenMP thread-scaling sweeps with verified CSV timing tables")

local root = "/opt/apps/ompsweep/0.2.0"

-- The compiler it was built with provides the OpenMP runtime (libgomp for
-- GCC); load that compiler's module here if it is not in the system path:
-- depends_on("GCC/12.2.0")

prepend_path("PATH", pathJoin(root, "bin"))
-- An unset MANPATH means man's own search path; an empty entry in MANPATH
-- keeps it (man-db and mandoc put it there), so `man ls` still works. Both
-- tests look before the prepends: Lmod sets the variables as it goes.
if mode() == "load" and (os.getenv("MANPATH") or "") == "" then
    append_path("MANPATH", ":")
end
prepend_path("MANPATH", pathJoin(root, "share/man"))
-- bash-completion also looks for completions under each XDG_DATA_DIRS
-- entry's bash-completion/completions.
-- An unset XDG_DATA_DIRS means /usr/local/share:/usr/share: those follow
-- ours then, or the system's completions would be lost. (Unloading leaves
-- them set, which means the same.)
if mode() == "load" and (os.getenv("XDG_DATA_DIRS") or "") == "" then
    append_path("XDG_DATA_DIRS", "/usr/local/share")
    append_path("XDG_DATA_DIRS", "/usr/share")
end
prepend_path("XDG_DATA_DIRS", pathJoin(root, "share"))
