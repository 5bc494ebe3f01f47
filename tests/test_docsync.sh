# --help, the man page and the bash completion describe the same command
# line: every option, workload, subcommand and option value that --help
# prints is documented in man/ompsweep.1 and offered by completion/ompsweep,
# and neither names one that --help lacks. Also: the completion completes,
# the man page lints clean, and the variables it says metadata.json records
# are recorded.
. tests/lib.sh

MAN=man/ompsweep.1
COMPLETION="$PWD/completion/ompsweep"
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion

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
# help_section_options SECTION...: the options (long and short) that the
# option lines of those sections of --help introduce ("Sweep", "bogosort",
# "elbow", "compare", "exec": the first word of a line that starts a
# section), from each line's synopsis (up to the first double space).
help_section_options() {
    awk -v want=" $* " '
        /^[^ ]/ { w = $1; sub(/:$/, "", w); if (w ~ /^[A-Za-z]+$/) sec = w; next }
        /^ +-/ && index(want, " " sec " ") {
            line = $0; sub(/^ +/, "", line); sub(/  .*/, "", line)
            n = split(line, t, /[ ,]+/)
            for (i = 1; i <= n; i++) if (t[i] ~ /^--?[a-zA-Z]/) print t[i]
        }' "$TMP/help" | sort -u
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

# refuses SUB OPTION: ompsweep SUB refuses OPTION as not its own, given
# with a value it accepts (the value is checked first): one of a few that
# fit most options, or the first the completion offers.
refuses() {
    for v in 3 0.5 A=b $(complete_words ompsweep "$2" '' | head -n 1); do
        "$OMPSWEEP" "$1" "$2" "$v" "$TMP/none.csv" "$TMP/none.csv" >/dev/null 2>"$TMP/err"
        [ $? -eq 2 ] && grep -Eq -- "^ompsweep: $2: (not an option of $1|only for compare)" \
            "$TMP/err" && return 0
    done
    return 1
}

# Per subcommand: the common options of --help's Sweep section and the
# workload's own section; summarize and compare take only -o, -q, -h (and
# compare its own), which the binary confirms by refusing every other one.
test_completion_per_subcommand() {
    have_bash || return 0
    for sub in bogosort elbow all exec; do
        case $sub in
            all) sections="Sweep bogosort elbow" ;;
            *) sections="Sweep $sub" ;;
        esac
        help_section_options $sections >"$TMP/a"
        complete_words ompsweep $sub - >"$TMP/b"
        check "$sub: found options in --help ($(wc -l <"$TMP/a"))" [ "$(wc -l <"$TMP/a")" -ge 17 ]
        same_set "$sub options: --help sections $sections vs completion" "$TMP/a" "$TMP/b"
    done
    help_long >"$TMP/all"
    for sub in summarize compare; do
        { printf '%s\n' -h --help --version -o --output -q --quiet
          [ $sub = compare ] && help_section_options compare; } | sort -u >"$TMP/a"
        complete_words ompsweep $sub x.csv - >"$TMP/b"
        same_set "$sub options: completion vs expected" "$TMP/a" "$TMP/b"
        refused=0
        for opt in $(comm -23 "$TMP/all" "$TMP/b"); do
            if refuses $sub "$opt"; then
                refused=$((refused + 1))
            else
                check "$sub refuses $opt, not offered ($(head -c 200 "$TMP/err"))" false
            fi
        done
        check "$sub: refused options counted ($refused)" [ $refused -ge 40 ]
        for opt in $(cat "$TMP/b"); do
            case $opt in -h|--help|--version) continue ;; esac
            "$OMPSWEEP" $sub "$opt" 1 "$TMP/none.csv" "$TMP/none.csv" >/dev/null 2>"$TMP/err"
            check "$sub takes $opt, offered ($(head -c 200 "$TMP/err"))" \
                [ -z "$(grep -E "not an option of|only for compare" "$TMP/err")" ]
        done
    done
}

# Values after an option, in the subcommand's context and in the = form.
test_completion_values() {
    have_bash || return 0
    n=$(nproc)
    complete_words ompsweep bogosort -t '' >"$TMP/c"
    check "-t: max offered" grep -qx max "$TMP/c"
    check "-t: 1 offered" grep -qx 1 "$TMP/c"
    check "-t: the CPU count $n offered" grep -qx "$n" "$TMP/c"
    check "-t: powers of two below it" [ "$(grep -c '^[0-9]' "$TMP/c")" -eq \
        "$(awk -v n="$n" 'BEGIN { for (t = 1; t < n; t *= 2) c++; print c + 1 }')" ]
    check "--threads=: the same" [ "$(complete_words ompsweep elbow --threads = '' | tr '\n' ' ')" = \
        "$(tr '\n' ' ' <"$TMP/c")" ]
    check "-t 1,: the next count, 1 not again" \
        [ -z "$(complete_words ompsweep -t 1, | grep -vx '1,[0-9max]*')" ] &&
        [ -z "$(complete_words ompsweep -t 1, | grep -x '1,1')" ] &&
        complete_words ompsweep -t 1, | grep -qx '1,max'
    check "--partition chunks,: rows" [ "$(complete_words ompsweep bogosort --partition chunks,)" = chunks,rows ]
    check "--parallel over-k,: tasks" [ "$(complete_words ompsweep elbow --parallel over-k,)" = over-k,tasks ]
    check "--bind spread,: the others" [ "$(complete_words ompsweep --bind spread, | tr '\n' ' ')" = \
        "spread,close spread,false spread,primary spread,true " ]
    check "--places: the kinds" [ "$(complete_words ompsweep exec --places '' | tr '\n' ' ')" = \
        "cores ll_caches numa_domains sockets threads " ]
    check "--order: the orders" [ "$(complete_words ompsweep --order = '' | tr '\n' ' ')" = \
        "blocked interleaved random " ]
    check "--scaling w: weak" [ "$(complete_words ompsweep exec --scaling w)" = weak ]
    check "--rows: a number, nothing offered" [ -z "$(complete_words ompsweep bogosort --rows '')" ]
    check "--program-version: commands" complete_words ompsweep exec --program-version sh | grep -qx sh
    mkdir -p "$TMP/tree2/sub" && : >"$TMP/tree2/file.txt"
    (cd "$TMP/tree2" && complete_words ompsweep exec --chdir '') >"$TMP/c"
    check "--chdir: directories" [ "$(cat "$TMP/c")" = sub ]
    (cd "$TMP/tree2" && complete_words ompsweep elbow --save-data f) >"$TMP/c"
    check "--save-data: files" [ "$(cat "$TMP/c")" = file.txt ]
    check "options before the workload: every one" \
        [ "$(complete_words ompsweep --k | tr '\n' ' ')" = "--k-max --k-min " ]
    check "bogosort: no elbow option" [ -z "$(complete_words ompsweep bogosort --k)" ]
    check "bogosort elbow: both" [ "$(complete_words ompsweep bogosort elbow --k | tr '\n' ' ')" = \
        "--k-max --k-min " ]
    check "all: elbow's options" [ "$(complete_words ompsweep all --rul)" = --rule ]
    check "all: bogosort's options" [ "$(complete_words ompsweep all --part)" = --partition ]
    check "exec: no bogosort option" [ -z "$(complete_words ompsweep exec --rows)" ]
    check "a value that looks like an option is skipped" \
        [ "$(complete_words ompsweep --tag --rows elbow --ro)" = "" ]
}

# With bash-completion loaded, exec's program completes by its own rules
# (here: ompsweep's, as a registered completion).
test_completion_command() {
    have_bash || return 0
    if [ ! -f "$BASH_COMPLETION_LIB" ]; then
        echo "  (skipped: $BASH_COMPLETION_LIB not installed; Debian: bash-completion)"
        return 0
    fi
    loaded() {
        bash -c '. "$0"; . "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
                 COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _ompsweep 2>/dev/null
                 [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
            "$BASH_COMPLETION_LIB" "$COMPLETION" "$@" | sort -u
    }
    check "exec -- ompsweep bog: the program's own completion" \
        [ "$(loaded ompsweep exec -t 2 -- ompsweep bog)" = bogosort ]
    check "exec -- ompsweep -t: its values" \
        loaded ompsweep exec -- ompsweep -t '' | grep -qx max
    check "exec -- ls --colo: ls's options" loaded ompsweep exec -- ls --colo | grep -q -- '^--color'
    check "exec -- sh: commands" loaded ompsweep exec -- sh | grep -qx sh
    check "still ours before --" [ "$(loaded ompsweep exec --sho)" = --show-output ]
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
        [ "$(complete_words ompsweep summarize - | tr '\n' ' ')" = \
        "--help --output --quiet --version -h -o -q " ]
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
run_test test_completion_per_subcommand
run_test test_completion_values
run_test test_completion_command
finish
