# Helpers for the shell tests that check the CPUs and cores ompsweep counts
# against the machine's own account: CPU lists as Linux writes them
# ("0-3,8") and the physical cores sysfs puts those CPUs on.

# cpulist_expand LIST: one CPU number per line.
cpulist_expand() {
    echo "$1" | tr ',' '\n' | awk -F- 'NF { hi = NF > 1 ? $2 : $1
        for (c = $1 + 0; c <= hi + 0; c++) print c }'
}

# mask_cpus: the CPU list of this shell's affinity mask.
mask_cpus() {
    awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
}

# first_cpus N: the first N CPUs of that mask as a list, the CPUs
# tests/shim/srun binds an N-CPU step to.
first_cpus() {
    cpulist_expand "$(mask_cpus)" | head -n "$1" | paste -sd, -
}

# cores_of LIST: the physical cores holding the CPUs of LIST, as the kernel
# groups them (core_cpus_list, or thread_siblings_list on older kernels); a
# CPU without either counts as a core of its own.
cores_of() {
    for c in $(cpulist_expand "$1"); do
        t=/sys/devices/system/cpu/cpu$c/topology
        cat "$t/core_cpus_list" 2>/dev/null || cat "$t/thread_siblings_list" \
            2>/dev/null || echo "cpu$c"
    done | sort -u | wc -l
}
