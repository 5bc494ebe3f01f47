# --help, the man page and the bash completion describe the same command
# line: every option, workload, subcommand and option value that --help
# prints is documented in man/ompsweep.1 and offered by completion/ompsweep,
# and neither names one that --help lacks. Also: the completion completes,
# the man page lints clean, and the variables it says metadata.json records
# are recorded.
. tests/lib.sh

MAN=man/ompsweep.1
COMPLETION="$PWD/completion/ompsweep"

"$OMPSWEEP" --help >"$TMP/help"

# The command line according to --help, one item per line, sorted.
help_long() { grep -oE -- '--[a-z][a-z0-9-]*' "$TMP/help" | sort -u; }
help_short() { sed -n 's/^  \(-[a-zA-Z]\), --.*/\1/p' "$TMP/help" | sort -u; }
help_workloads() {
    sed -n 's/.*WORKLOAD: //p' "$TMP/help" | tr -d ' ' | tr '|' '\n' | sort -u
}
help_commands() {
    sed -n 's/^\(usage:\)\{0,1\} *ompsweep \([a-z][a-z]*\) .*/\2/p' "$TMP/help" | sort -u
}
# help_values OPTION: the choices --help lists for OPTION ("a|b", "a | b").
help_values() {
    grep -- "^ *$1 " "$TMP/help" | grep -oE '[a-z_-]+( ?\| ?[a-z_-]+)+' | head -n 1 |
        tr -d ' ' | tr '|' '\n' | sort -u
}
# Options that --help gives a list of choices for.
help_choice_options() {
    grep -E -- '^ *--[a-z-]+ .*[a-z] ?\| ?[a-z]' "$TMP/help" |
        sed 's/^ *\(--[a-z-]*\).*/\1/' | sort -u
}

# The man page's item tags (the line after each .TP or .TQ), as text.
man_tags() {
    awk 'tag { print; tag = 0 } /^\.T[PQ]/ { tag = 1 }' "$MAN" |
        sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/^\.[A-Z]* //' -e 's/"//g'
}
# man_section NAME: the lines of one .SH section.
man_section() {
    awk -v name="$1" '/^\.SH/ { s = $0; sub(/^\.SH +/, "", s); gsub(/"/, "", s);
                               on = (s == name); next } on' "$MAN"
}
man_tag_options() { man_tags | grep -oE -- '(^|[ ,])--?[a-z][a-z0-9-]*' |
    sed 's/^[ ,]*//' | sort -u; }

# complete WORD...: the completion's answer for the command line WORD...
# (the last word being completed), one per line, sorted.
complete_words() {
    bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ompsweep
             [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
        "$COMPLETION" "$@" | sort -u
}

# same_set WHAT A B: the two sorted lists in files A and B are equal; the
# check message names what one has and the other lacks.
same_set() {
    only_a=$(comm -23 "$2" "$3" | tr '\n' ' ')
    only_b=$(comm -13 "$2" "$3" | tr '\n' ' ')
    check "$1: only in the first: [$only_a] only in the second: [$only_b]" \
        [ -z "$only_a$only_b" ]
}

have_bash() {
    command -v bash >/dev/null && return 0
    echo "  (skipped: bash not installed)"
    return 1
}

test_help_parsed() {
    # Guards the parsing above: an empty list would make every set check pass.
    check "long options found" [ "$(help_long | wc -l)" -ge 30 ]
    help_long >"$TMP/a"
    check "--threads found" grep -qx -- --threads "$TMP/a"
    check "short options found" [ "$(help_short | tr '\n' ' ')" = "-h -o -q -r -s -t -w " ]
    check "workloads found" [ "$(help_workloads | tr '\n' ' ')" = "all bogosort elbow exec " ]
    check "commands found" [ "$(help_commands | tr '\n' ' ')" = "compare exec summarize " ]
    check "choice options found" [ "$(help_choice_options | tr '\n' ' ')" = \
        "--by --order --parallel --partition --rule --scaling --schedule " ]
    check "schedule kinds found" [ "$(help_values --schedule | tr '\n' ' ')" = \
        "dynamic guided static " ]
}

test_man_documents_every_option() {
    help_long >"$TMP/a"
    man_tag_options | grep -- '^--' >"$TMP/b"
    same_set "long options: --help vs man OPTIONS items" "$TMP/a" "$TMP/b"
    help_short >"$TMP/a"
    man_tag_options | grep -E -- '^-[a-zA-Z]$' >"$TMP/b"
    same_set "short options: --help vs man items" "$TMP/a" "$TMP/b"
    for opt in $(help_choice_options); do
        help_values "$opt" >"$TMP/a"
        man_tags | grep -- "^$opt " | sed -e "s/^$opt *//" -e 's/\[.*//' | tr -d ' ' |
            tr '|' '\n' |
            sort -u >"$TMP/b"
        same_set "values of $opt: --help vs man" "$TMP/a" "$TMP/b"
    done
}

test_man_sections() {
    sections=$(sed -n 's/^\.SH *//p' "$MAN" | tr -d '"' | tr '\n' '/')
    check "sections in order (got $sections)" [ "$sections" = \
        "NAME/SYNOPSIS/DESCRIPTION/WORKLOADS/OPTIONS/OUTPUT FILES/EXIT STATUS/ENVIRONMENT/FILES/EXAMPLES/SEE ALSO/" ]
    help_workloads >"$TMP/a"
    man_section WORKLOADS | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
        sed 's/^\.B //' | sort -u >"$TMP/b"
    same_set "workloads: --help vs man WORKLOADS" "$TMP/a" "$TMP/b"
    man_section SYNOPSIS >"$TMP/synopsis"
    for c in $(help_commands); do
        check "SYNOPSIS shows $c" grep -qx "\.B $c" "$TMP/synopsis"
    done
    man_section "EXIT STATUS" >"$TMP/status"
    for code in 0 1 2 3 4; do
        check "exit status $code documented" grep -qx "\.B $code" "$TMP/status"
    done
}

test_man_lints() {
    if command -v groff >/dev/null; then
        groff -man -ww -z "$MAN" >"$TMP/lint" 2>&1
        check "groff -man -ww -z: silent (got: $(head -n 3 "$TMP/lint"))" [ ! -s "$TMP/lint" ]
    else
        echo "  (skipped groff lint: groff not installed; Debian: groff)"
    fi
    if command -v mandoc >/dev/null; then
        mandoc -Tlint "$MAN" >"$TMP/lint" 2>&1
        check "mandoc -Tlint exit 0" [ $? -eq 0 ]
        check "mandoc -Tlint: no message (got: $(head -n 3 "$TMP/lint"))" [ ! -s "$TMP/lint" ]
        mandoc -Tascii "$MAN" | col -b >"$TMP/man.txt"
        check "rendered: option heading" grep -q '^ *--max-value n$' "$TMP/man.txt"
    else
        echo "  (skipped mandoc lint: mandoc not installed; Debian: mandoc)"
    fi
}

# The ENVIRONMENT section names what metadata.json records; check the binary.
test_environment_recorded() {
    man_section ENVIRONMENT | awk 'tag { print; tag = 0 } /^\.T[PQ]/ { tag = 1 }' |
        sed 's/^\.B //' >"$TMP/env_items"
    for v in OMP_NUM_THREADS OMP_PLACES OMP_PROC_BIND SLURM_JOB_ID SLURM_ARRAY_TASK_ID PBS_JOBID; do
        check "ENVIRONMENT documents $v" grep -qx "$v" "$TMP/env_items"
    done
    OMP_NUM_THREADS=1 OMP_PLACES=cores OMP_PROC_BIND=close SLURM_JOB_ID=4242 \
        SLURM_ARRAY_TASK_ID=17 PBS_JOBID=99.pbsserver \
        "$OMPSWEEP" bogosort --rows 10 -r 1 -w 0 -q -o "$TMP/env" >/dev/null 2>&1
    check "tiny study exit 0" [ $? -eq 0 ]
    # OMP_* under their own names, the job identifiers in lower case.
    for v in OMP_PLACES=cores OMP_PROC_BIND=close SLURM_JOB_ID=4242 \
             SLURM_ARRAY_TASK_ID=17 PBS_JOBID=99.pbsserver; do
        check "metadata.json records $v" \
            grep -qi "\"${v%%=*}\": *\"${v#*=}\"" "$TMP/env/metadata.json"
    done
    check "OMP_NUM_THREADS gave the one thread count" \
        [ "$(column "$TMP/env/runs.csv" threads | sort -u)" = 1 ]
}

test_completion_offers_every_option() {
    have_bash || return 0
    help_long >"$TMP/a"
    complete_words ompsweep -- >"$TMP/b"
    same_set "long options: --help vs completion" "$TMP/a" "$TMP/b"
    help_short >"$TMP/a"
    complete_words ompsweep - | grep -E '^-[a-zA-Z]$' >"$TMP/b"
    same_set "short options: --help vs completion" "$TMP/a" "$TMP/b"
    { help_workloads; help_commands; } | sort -u >"$TMP/a"
    complete_words ompsweep '' >"$TMP/b"
    same_set "first word: --help workloads and commands vs completion" "$TMP/a" "$TMP/b"
    for opt in $(help_choice_options); do
        help_values "$opt" >"$TMP/a"
        complete_words ompsweep "$opt" '' >"$TMP/b"
        same_set "values of $opt: --help vs completion" "$TMP/a" "$TMP/b"
    done
}

test_completion_cases() {
    have_bash || return 0
    check "--sch -> --schedule" [ "$(complete_words ompsweep --sch)" = --schedule ]
    check "--partition -> chunks rows" \
        [ "$(complete_words ompsweep --partition '' | tr '\n' ' ')" = "chunks rows " ]
    check "bo -> bogosort" [ "$(complete_words ompsweep bo)" = bogosort ]
    check "su -> summarize" [ "$(complete_words ompsweep su)" = summarize ]
    check "--rule=ma -> maxdelta max" \
        [ "$(complete_words ompsweep --rule = ma | tr '\n' ' ')" = "max maxdelta " ]
    check "after --rule=max: workloads" \
        [ "$(complete_words ompsweep --rule = max el)" = elbow ]
    check "after a workload: no summarize" \
        [ "$(complete_words ompsweep bogosort '' | tr '\n' ' ')" = "all bogosort elbow " ]
    check "after exec: --" [ "$(complete_words ompsweep exec '')" = -- ]
    check "after exec --: programs and files" \
        [ "$(complete_words ompsweep exec -- 'ompswee' | head -n 1)" = ompsweep ]
    check "--threads value: nothing offered" [ -z "$(complete_words ompsweep --threads '')" ]
    check "-t value skipped: workloads" [ "$(complete_words ompsweep -t 1,2 b)" = bogosort ]
    mkdir -p "$TMP/tree/outdir" && : >"$TMP/tree/other.csv" && : >"$TMP/tree/out.csv"
    (cd "$TMP/tree" && complete_words ompsweep -o o) >"$TMP/c"
    check "-o: directories only (got $(tr '\n' ' ' <"$TMP/c"))" [ "$(cat "$TMP/c")" = outdir ]
    (cd "$TMP/tree" && complete_words ompsweep --output '') >"$TMP/c"
    check "--output: directories only" [ "$(cat "$TMP/c")" = outdir ]
    (cd "$TMP/tree" && complete_words ompsweep --data ot) >"$TMP/c"
    check "--data: file names" [ "$(cat "$TMP/c")" = other.csv ]
    (cd "$TMP/tree" && complete_words ompsweep summarize o) >"$TMP/c"
    check "summarize: file names" [ "$(tr '\n' ' ' <"$TMP/c")" = "other.csv out.csv outdir " ]
    check "summarize options" \
        [ "$(complete_words ompsweep summarize - | tr '\n' ' ')" = "--output --quiet -o -q " ]
    check "co -> compare" [ "$(complete_words ompsweep co)" = compare ]
    check "compare options" [ "$(complete_words ompsweep compare a b --f)" = --fail-on-regression ]
    check "--by values" [ "$(complete_words ompsweep compare a b --by '' | tr '\n' ' ')" = "host run_id " ]
    (cd "$TMP/tree" && complete_words ompsweep compare o) >"$TMP/c"
    check "compare: file names" [ "$(tr '\n' ' ' <"$TMP/c")" = "other.csv out.csv outdir " ]
    check "registered for ompsweep" \
        bash -c '. "$0"; complete -p ompsweep | grep -q -- "-F _ompsweep"' "$COMPLETION"
}

run_test test_help_parsed
run_test test_man_documents_every_option
run_test test_man_sections
run_test test_man_lints
run_test test_environment_recorded
run_test test_completion_offers_every_option
run_test test_completion_cases
finish
